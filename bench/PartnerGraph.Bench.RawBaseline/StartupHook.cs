/// <summary>
/// Named by DOTNET_STARTUP_HOOKS (a path), the runtime loads this assembly before the server starts; the server's host
/// then finds it by the name ASPNETCORE_HOSTINGSTARTUPASSEMBLIES gives. It does nothing itself.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
    }
}
