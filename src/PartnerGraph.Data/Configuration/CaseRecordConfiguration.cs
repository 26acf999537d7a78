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
