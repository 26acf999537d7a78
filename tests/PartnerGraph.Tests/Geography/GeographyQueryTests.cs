using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Geography;

public sealed class GeographyQueryTests(AppFixture server) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Bueng_Kan_and_its_districts_match_their_snapshot()
    {
        var response = await server.Client.PostAsync("{ province(code: \"TH-38\") { code isoCode nameTh nameEn districts { code nameTh nameEn province { code } } } }");
        response.AssertNoErrors().Data.MatchSnapshot();
    }

    [Fact]
    public async Task Province_is_found_by_iso_or_dopa_code_alike()
    {
        var response = (await server.Client.PostAsync("{ a: province(code: \"TH-50\") { code } b: province(code: \"50\") { code } c: province(code: \"th-50\") { code } }")).AssertNoErrors();
        Assert.All(new[] { "a", "b", "c" }, alias => Assert.Equal("50", response.Data![alias]!["code"]!.GetValue<string>()));
    }

    [Fact]
    public async Task All_provinces_and_districts_are_served_without_a_database_query()
    {
        var client = server.Client;
        await client.PostAsync("{ __typename }");
        server.App.Commands.Reset();
        var response = (await client.PostAsync("{ provinces { code districts { code } } }")).AssertNoErrors();
        Assert.Equal(0, server.App.Commands.DataCount);
        var provinces = response.Data!["provinces"]!.AsArray();
        Assert.Equal(77, provinces.Count);
        Assert.Equal(928, provinces.Sum(p => p!["districts"]!.AsArray().Count));
    }
}
