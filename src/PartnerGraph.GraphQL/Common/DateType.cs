using GraphQL.Types;

namespace PartnerGraph.GraphQL.Common;

/// <summary>A calendar day, "2025-07-01"; named Date as partners expect, not after the CLR type.</summary>
public sealed class DateType : DateOnlyGraphType
{
    public DateType()
    {
        Name = "Date";
        Description = "A calendar day in ISO 8601 form, e.g. \"2025-07-01\".";
    }
}
