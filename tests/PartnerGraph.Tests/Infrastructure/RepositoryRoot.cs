namespace PartnerGraph.Tests.Infrastructure;

/// <summary>The checkout's top folder, found from the test assembly by PartnerGraph.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "PartnerGraph.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PartnerGraph.sln not found above " + AppContext.BaseDirectory);
    }
}
