using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.GraphQL;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Schema;

public sealed class SchemaFileTests
{
    [Fact]
    public async Task Checked_in_schema_is_what_the_server_serves()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var served = SchemaExport.Print(app.Services.GetRequiredService<ISchema>());
        var path = RepositoryRoot.File("schema", "schema.graphql");
        Assert.True(File.Exists(path), $"{path} is missing. Write it with: dotnet run --project src/PartnerGraph.Server -- export-schema");
        var checkedIn = (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n");
        Assert.True(
            served == checkedIn,
            "schema/schema.graphql differs from the schema the server serves. Refresh it with: dotnet run --project src/PartnerGraph.Server -- export-schema");
    }

    [Fact]
    public async Task Export_schema_command_writes_the_served_schema()
    {
        var output = Path.Combine(TestDatabase.Folder, $"schema-{Guid.NewGuid():N}.graphql");
        var run = await ServerProcess.RunVerbAsync(["export-schema", "--output", output]);
        Assert.True(run.ExitCode == 0, run.Output);
        await using var app = await PartnerGraphApp.StartAsync();
        Assert.Equal(SchemaExport.Print(app.Services.GetRequiredService<ISchema>()), await File.ReadAllTextAsync(output));
    }
}
