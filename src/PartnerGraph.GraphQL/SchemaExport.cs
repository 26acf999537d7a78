using GraphQL;
using GraphQL.Types;
using GraphQL.Utilities;

namespace PartnerGraph.GraphQL;

/// <summary>The schema as SDL, in the form checked in under schema/.</summary>
public static class SchemaExport
{
    public static string Print(ISchema schema) =>
        schema.Print(new PrintOptions { IncludeDescriptions = true, IncludeDeprecationReasons = true, StringComparison = StringComparison.Ordinal }).ReplaceLineEndings("\n").TrimEnd() + "\n";
}
