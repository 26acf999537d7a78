using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Geography;
using PartnerGraph.Domain.Organisations;

namespace PartnerGraph.Data.Configuration;

internal sealed class CaseRecordConfiguration : IEntityTypeConfiguration<CaseRecord>
{
    public void Configure(EntityTypeBuilder<CaseRecord> builder)
    {
        // The cubes' trigger (see the CaseCubes migrations): SQL Server refuses an INSERT ... OUTPUT without INTO on a
        // table with a trigger (Msg 334), so EF Core must read the new ids another way.
        builder.ToTable(t => t.HasTrigger(CaseCubes.Trigger));
        builder.HasKey(c => c.Id);
        builder.Property(c => c.RecordingOrganisationId).HasMaxLength(64);
        builder.Property(c => c.ProvinceCode).HasMaxLength(2);
        builder.Property(c => c.DistrictCode).HasMaxLength(4);
        builder.Property(c => c.Nationality).HasMaxLength(9);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(c => c.RecordingOrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Province>().WithMany().HasForeignKey(c => c.ProvinceCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<District>().WithMany().HasForeignKey(c => c.DistrictCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => new { c.ProvinceCode, c.IdentifiedOn });
        builder.HasIndex(c => c.IdentifiedOn);
    }
}

internal sealed class CaseCountConfiguration : IEntityTypeConfiguration<CaseCount>
{
    public void Configure(EntityTypeBuilder<CaseCount> builder)
    {
        builder.ToTable("CaseCounts");
        builder.HasKey(c => new { c.Cube, c.ProvinceCode, c.DistrictCode, c.MonthKey, c.AgeBand, c.Sex, c.Nationality, c.PopulationGroup, c.ExploitationType, c.VictimStatus, c.IdentificationSource });
        builder.Property(c => c.Cube).HasMaxLength(32);
        builder.Property(c => c.ProvinceCode).HasMaxLength(2);
        builder.Property(c => c.DistrictCode).HasMaxLength(4);
        builder.Property(c => c.Nationality).HasMaxLength(9);
        foreach (var dimension in new[] { nameof(CaseCount.AgeBand), nameof(CaseCount.Sex), nameof(CaseCount.PopulationGroup), nameof(CaseCount.ExploitationType), nameof(CaseCount.VictimStatus), nameof(CaseCount.IdentificationSource) })
        {
            builder.Property(dimension).HasMaxLength(32);
        }
    }
}
