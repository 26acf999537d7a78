using GraphQL.Types;

namespace PartnerGraph.GraphQL.Common;

/// <summary>A period of whole days, both ends included.</summary>
public sealed class Period
{
    public DateOnly From { get; set; }
    public DateOnly To { get; set; }

    /// <summary>Fails with INVALID_PERIOD when the period ends before it starts.</summary>
    public Period Validated() =>
        From <= To ? this : throw new UserError(ErrorCodes.InvalidPeriod, $"The period starts on {From:yyyy-MM-dd}, after it ends on {To:yyyy-MM-dd}. Swap from and to.");

    /// <summary>The quarters whose first day lies in the period, as year * 10 + quarter keys.</summary>
    public (int First, int Last) QuarterKeys()
    {
        var first = QuarterKey(From);
        if (From != QuarterStart(From))
        {
            first = From.Month > 9 ? ((From.Year + 1) * 10) + 1 : first + 1;
        }

        return (first, QuarterKey(To));
    }

    private static int QuarterKey(DateOnly day) => (day.Year * 10) + ((day.Month - 1) / 3) + 1;

    private static DateOnly QuarterStart(DateOnly day) => new(day.Year, (((day.Month - 1) / 3) * 3) + 1, 1);
}

public sealed class PeriodInputType : InputObjectGraphType<Period>
{
    public PeriodInputType()
    {
        Name = "PeriodInput";
        Description = "A period of whole days, both ends included.";
        Field<NonNullGraphType<DateType>>("from").Description("First day, e.g. \"2025-01-01\".");
        Field<NonNullGraphType<DateType>>("to").Description("Last day, e.g. \"2025-12-31\".");
    }
}
