using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerGraph.Domain.Geography;
using PartnerGraph.Domain.Organisations;

namespace PartnerGraph.Data.Configuration;

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> builder)
    {
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).HasMaxLength(64);
        builder.Property(o => o.NameTh).HasMaxLength(200);
        builder.Property(o => o.NameEn).HasMaxLength(200);
        builder.Property(o => o.Country).HasMaxLength(2);
        builder.HasMany(o => o.Provinces).WithOne().HasForeignKey(p => p.OrganisationId);
    }
}

internal sealed class OrganisationProvinceConfiguration : IEntityTypeConfiguration<OrganisationProvince>
{
    public void Configure(EntityTypeBuilder<OrganisationProvince> builder)
    {
        builder.HasKey(p => new { p.OrganisationId, p.ProvinceCode });
        builder.Property(p => p.ProvinceCode).HasMaxLength(2);
        builder.HasOne<Province>().WithMany().HasForeignKey(p => p.ProvinceCode);
    }
}

internal sealed class PartnerClientConfiguration : IEntityTypeConfiguration<PartnerClient>
{
    public void Configure(EntityTypeBuilder<PartnerClient> builder)
    {
        builder.HasKey(c => c.ClientId);
        builder.Property(c => c.ClientId).HasMaxLength(100);
        builder.Property(c => c.OrganisationId).HasMaxLength(64);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class AnalystConfiguration : IEntityTypeConfiguration<Analyst>
{
    public void Configure(EntityTypeBuilder<Analyst> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).HasMaxLength(32);
        builder.Property(a => a.Email).HasMaxLength(254);
        builder.HasIndex(a => a.Email).IsUnique();
        builder.Property(a => a.OrganisationId).HasMaxLength(64);
        builder.Property(a => a.RoleBundle).HasMaxLength(64);
        builder.Property(a => a.PasswordHash).HasMaxLength(200);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(a => a.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TrustedDocumentConfiguration : IEntityTypeConfiguration<TrustedDocument>
{
    public void Configure(EntityTypeBuilder<TrustedDocument> builder)
    {
        builder.HasKey(d => d.Id);
        builder.Property(d => d.DocumentId).HasMaxLength(71);
        builder.Property(d => d.OrganisationId).HasMaxLength(64);
        builder.Property(d => d.ClientId).HasMaxLength(100);
        builder.Property(d => d.Name).HasMaxLength(200);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(d => d.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<PartnerClient>().WithMany().HasForeignKey(d => d.ClientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(d => new { d.OrganisationId, d.DocumentId }).IsUnique();
    }
}
