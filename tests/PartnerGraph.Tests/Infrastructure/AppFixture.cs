namespace PartnerGraph.Tests.Infrastructure;

/// <summary>One started app per test class, with a client holding every scope.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    public PartnerGraphApp App { get; private set; } = null!;

    public GraphQLClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await PartnerGraphApp.StartAsync();
        Client = await App.GraphQLAsync();
    }

    public async Task DisposeAsync() => await App.DisposeAsync();
}
