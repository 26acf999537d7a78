using GraphQL.Types;
using PartnerGraph.GraphQL;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Schema;

/// <summary>A partner's developer reads the schema, not our code: every enum value and every argument says what it means.</summary>
public sealed class SchemaDescriptionTests
{
    [Fact]
    public async Task Every_enum_value_and_argument_of_the_public_schema_has_a_description()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var schema = ((SchemaCatalogue)app.Services.GetService(typeof(SchemaCatalogue))!).Everything;

        var missing = new List<string>();
        foreach (var type in schema.AllTypes.Where(t => !t.Name.StartsWith("__", StringComparison.Ordinal)))
        {
            if (type is EnumerationGraphType enumeration)
            {
                missing.AddRange(enumeration.Values.Where(v => string.IsNullOrWhiteSpace(v.Description)).Select(v => $"{type.Name}.{v.Name}"));
            }

            if (type is IComplexGraphType complex and not IInputObjectGraphType)
            {
                foreach (var field in complex.Fields)
                {
                    missing.AddRange((field.Arguments ?? []).Where(a => string.IsNullOrWhiteSpace(a.Description)).Select(a => $"{type.Name}.{field.Name}({a.Name})"));
                }
            }
        }

        foreach (var directive in schema.Directives.Where(d => !IsBuiltIn(d.Name)))
        {
            missing.AddRange((directive.Arguments ?? []).Where(a => string.IsNullOrWhiteSpace(a.Description)).Select(a => $"@{directive.Name}({a.Name})"));
        }

        Assert.True(missing.Count == 0, $"{missing.Count} without a description:\n{string.Join('\n', missing)}");
    }

    private static bool IsBuiltIn(string directive) => directive is "include" or "skip" or "deprecated" or "specifiedBy" or "oneOf";
}
