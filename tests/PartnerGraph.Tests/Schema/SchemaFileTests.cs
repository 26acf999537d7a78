using PartnerGraph.GraphQL;
using PartnerGraph.Identity;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Schema;

public sealed class SchemaFileTests
{
    private const string Refresh = "Refresh the files with: dotnet run --project src/PartnerGraph.Server -- export-schema";

    public static TheoryData<string> Roles => [.. RoleBundles.All.Keys];

    [Fact]
    public async Task Checked_in_schema_is_what_the_server_serves()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var catalogue = app.Services.GetService(typeof(SchemaCatalogue)) as SchemaCatalogue;
        AssertSameAsFile(SchemaExport.Print(catalogue!.Everything), "schema", "schema.graphql");
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Checked_in_role_schema_is_what_the_server_serves_to_that_role(string role)
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var catalogue = app.Services.GetService(typeof(SchemaCatalogue)) as SchemaCatalogue;
        AssertSameAsFile(SchemaExport.Print(catalogue!.For(RoleBundles.All[role].ToHashSet(StringComparer.Ordinal))), "schema", "roles", role + ".graphql");
    }

    [Fact]
    public async Task Export_schema_command_writes_the_served_schemas()
    {
        var output = Path.Combine(TestDatabase.Folder, $"schema-{Guid.NewGuid():N}");
        var run = await ServerProcess.RunVerbAsync(["export-schema", "--output", output]);
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(await File.ReadAllTextAsync(RepositoryRoot.File("schema", "schema.graphql")), await File.ReadAllTextAsync(Path.Combine(output, "schema.graphql")));
        foreach (var role in RoleBundles.All.Keys)
        {
            Assert.True(File.Exists(Path.Combine(output, "roles", role + ".graphql")), role);
        }
    }

    private static void AssertSameAsFile(string served, params string[] path)
    {
        var file = RepositoryRoot.File(path);
        Assert.True(File.Exists(file), $"{file} is missing. {Refresh}");
        Assert.True(served == File.ReadAllText(file).ReplaceLineEndings("\n"), $"{string.Join('/', path)} differs from what the server serves. {Refresh}");
    }
}
