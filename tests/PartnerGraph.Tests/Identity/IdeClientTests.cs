using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using PartnerGraph.Identity.Analysts;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

public sealed class IdeClientTests
{
    /// <summary>Instances started at once on a new database each register the IDE's client: all start, one registration stays.</summary>
    [Fact]
    public async Task Instances_registering_the_IDE_client_at_once_all_succeed_and_leave_one_registration()
    {
        await using var app = await PartnerGraphApp.StartAsync(databasePath: await TestDatabase.CopyAsync());
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            await applications.DeleteAsync((await applications.FindByClientIdAsync(IdeClient.ClientId))!);
        }

        var issuer = new Uri("http://127.0.0.1:5000/");
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => IdeClient.EnsureAsync(app.Services, issuer))));

        await using var db = await app.OpenDatabaseAsync();
        var registered = await db.Set<OpenIddictEntityFrameworkCoreApplication>().Where(a => a.ClientId == IdeClient.ClientId).ToListAsync();
        var only = Assert.Single(registered);
        Assert.Contains("http://127.0.0.1:5000/account/token", only.RedirectUris, StringComparison.Ordinal);
    }
}
