using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerGraph.Domain.Geography;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Programmes;

namespace PartnerGraph.Data.Configuration;

internal sealed class ProgrammeConfiguration : IEntityTypeConfiguration<Programme>
{
    public void Configure(EntityTypeBuilder<Programme> builder)
    {
        builder.HasKey(p => p.Code);
        builder.Property(p => p.Code).HasMaxLength(40);
        builder.Property(p => p.NameEn).HasMaxLength(200);
        builder.Property(p => p.NameTh).HasMaxLength(200);
        builder.Property(p => p.LeadOrganisationId).HasMaxLength(64);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(p => p.LeadOrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(p => p.Partners).WithOne().HasForeignKey(p => p.ProgrammeCode);
    }
}

internal sealed class ProgrammePartnerConfiguration : IEntityTypeConfiguration<ProgrammePartner>
{
    public void Configure(EntityTypeBuilder<ProgrammePartner> builder)
    {
        builder.HasKey(p => new { p.ProgrammeCode, p.OrganisationId });
        builder.Property(p => p.OrganisationId).HasMaxLength(64);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(p => p.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CoverageReportConfiguration : IEntityTypeConfiguration<CoverageReport>
{
    public void Configure(EntityTypeBuilder<CoverageReport> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.ProgrammeCode).HasMaxLength(40);
        builder.Property(r => r.ProvinceCode).HasMaxLength(2);
        builder.Property(r => r.DistrictCode).HasMaxLength(4);
        builder.Property(r => r.SubmittedByOrganisationId).HasMaxLength(64);
        builder.Property(r => r.ReviewedByOrganisationId).HasMaxLength(64);
        builder.Property(r => r.ReturnReason).HasMaxLength(500);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.ComplexProperty(r => r.Reached);
        builder.ComplexProperty(r => r.Target);
        builder.HasOne<Programme>().WithMany().HasForeignKey(r => r.ProgrammeCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Province>().WithMany().HasForeignKey(r => r.ProvinceCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<District>().WithMany().HasForeignKey(r => r.DistrictCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(r => r.SubmittedByOrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => new { r.ProgrammeCode, r.Status, r.Year, r.Quarter });
        builder.HasIndex(r => new { r.ProgrammeCode, r.DistrictCode, r.Year, r.Quarter, r.SubmittedByOrganisationId }).IsUnique();
    }
}
