using System.Text.Json.Nodes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Schema;

/// <summary>
/// Every example operation in schema/operations runs against the demo data without errors and with data, so the
/// documentation cannot drift from the API. The analysts' questions (analyst-*.graphql) run with a demo analyst's
/// token from the login page and the authorization code flow; the others with a partner token holding every scope.
/// </summary>
public sealed class OperationFileTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    public static TheoryData<string> Operations => [.. Files()];

    private static IEnumerable<string> Files() =>
        Directory.GetFiles(RepositoryRoot.File("schema", "operations"), "*.graphql").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal);

    [Fact]
    public void The_examples_cover_the_analysts_questions_referrals_statistics_and_the_viewer()
    {
        var files = Files().ToList();
        Assert.True(files.Count(f => f.StartsWith("analyst-", StringComparison.Ordinal)) >= 3, string.Join(", ", files));
        Assert.Contains("referrals-page.graphql", files);
        Assert.Contains("viewer.graphql", files);
        Assert.Contains(files, f => f.StartsWith("statistics-", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Example_operation_runs_without_errors_and_returns_data(string file)
    {
        var document = await File.ReadAllTextAsync(RepositoryRoot.File("schema", "operations", file));
        var client = file.StartsWith("analyst-", StringComparison.Ordinal) ? await AnalystClientAsync() : fixture.Client;

        var response = (await client.PostAsync(document)).AssertNoErrors();

        var data = response.Data!.AsObject();
        Assert.NotEmpty(data);
        foreach (var (field, value) in data)
        {
            Assert.True(value is not null, $"{file}: {field} is null");
            AssertNotEmpty(file, field, value);
        }
    }

    /// <summary>A list is not empty, and neither is a list one level inside an object (cells, nodes).</summary>
    private static void AssertNotEmpty(string file, string path, JsonNode node)
    {
        if (node is JsonArray array)
        {
            Assert.True(array.Count > 0, $"{file}: {path} is empty");
        }
        else if (node is JsonObject obj)
        {
            foreach (var (name, inner) in obj)
            {
                if (inner is JsonArray list)
                {
                    Assert.True(list.Count > 0, $"{file}: {path}.{name} is empty");
                }
            }
        }
    }

    private async Task<GraphQLClient> AnalystClientAsync()
    {
        var browser = new AnalystBrowser(fixture.App);
        await browser.SignInAsync("analyst@atd.demo", PartnerGraph.Identity.Analysts.DemoAnalysts.Password);
        var token = await browser.TokenAsync();
        return new GraphQLClient(fixture.App.CreateClient(), token["access_token"]!.GetValue<string>());
    }
}
