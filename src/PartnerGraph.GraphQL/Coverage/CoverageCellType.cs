using GraphQL.Types;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Geography;
using PartnerGraph.GraphQL.Geography;

namespace PartnerGraph.GraphQL.Coverage;

/// <summary>Approved coverage summed over one combination of the dimensions grouped by.</summary>
public sealed record CoverageCell
{
    public string? ProvinceCode { get; init; }
    public string? DistrictCode { get; init; }
    public int? Year { get; init; }
    public int? Quarter { get; init; }
    public int Reports { get; init; }
    public required Measure SchoolsReached { get; init; }
    public required Measure StudentsGirls { get; init; }
    public required Measure StudentsBoys { get; init; }
    public required Measure TeachersTrained { get; init; }
    public required Measure YouthParticipants { get; init; }
    public required Measure ActiveVolunteers { get; init; }
    public required Measure CommunitiesReached { get; init; }

    public Measure StudentsReached => new(StudentsGirls.Reached + StudentsBoys.Reached, StudentsGirls.Target + StudentsBoys.Target);
}

public sealed record Measure(int Reached, int Target)
{
    public double? Ratio => Target == 0 ? null : Math.Round((double)Reached / Target, 4);
}

public sealed class MeasureType : ObjectGraphType<Measure>
{
    public MeasureType()
    {
        Name = "CoverageMeasure";
        Description = "A figure reached against its target.";
        Field(m => m.Reached);
        Field(m => m.Target);
        Field(m => m.Ratio, nullable: true).Description("reached / target, rounded to 4 places; null when there is no target.");
    }
}

public sealed class CoverageCellType : ObjectGraphType<CoverageCell>
{
    public CoverageCellType(GeographyCatalogue geography)
    {
        Name = "CoverageCell";
        Description = "Approved coverage summed over one combination of the dimensions grouped by; the others are null.";
        Field<ProvinceType, Province?>("province").Resolve(c => c.Source.ProvinceCode is { } p ? geography.Province(p) : null);
        Field<DistrictType, District?>("district").Resolve(c => c.Source.DistrictCode is { } d ? geography.District(d) : null);
        Field(c => c.Year, nullable: true);
        Field<StringGraphType, string?>("quarter")
            .Description("\"2025-Q3\".")
            .Resolve(c => c.Source is { Year: { } y, Quarter: { } q } ? $"{y}-Q{q}" : null);
        Field(c => c.Reports).Description("How many approved reports were summed.");
        Measure("schoolsReached", c => c.SchoolsReached);
        Measure("studentsReached", c => c.StudentsReached, "Girls and boys.");
        Measure("studentsGirls", c => c.StudentsGirls);
        Measure("studentsBoys", c => c.StudentsBoys);
        Measure("teachersTrained", c => c.TeachersTrained);
        Measure("youthParticipants", c => c.YouthParticipants);
        Measure("activeVolunteers", c => c.ActiveVolunteers);
        Measure("communitiesReached", c => c.CommunitiesReached);
    }

    private void Measure(string name, Func<CoverageCell, Measure> measure, string? description = null) =>
        Field<NonNullGraphType<MeasureType>, Measure>(name).Description(description).Resolve(c => measure(c.Source));
}
