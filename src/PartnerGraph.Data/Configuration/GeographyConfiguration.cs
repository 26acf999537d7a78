using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerGraph.Domain.Geography;

namespace PartnerGraph.Data.Configuration;

internal sealed class ProvinceConfiguration : IEntityTypeConfiguration<Province>
{
    public void Configure(EntityTypeBuilder<Province> builder)
    {
        builder.HasKey(p => p.Code);
        builder.Property(p => p.Code).HasMaxLength(2);
        builder.Property(p => p.IsoCode).HasMaxLength(5);
        builder.HasIndex(p => p.IsoCode).IsUnique();
        builder.Property(p => p.NameTh).HasMaxLength(100);
        builder.Property(p => p.NameEn).HasMaxLength(100);
        builder.HasMany(p => p.Districts).WithOne(d => d.Province).HasForeignKey(d => d.ProvinceCode);
    }
}

internal sealed class DistrictConfiguration : IEntityTypeConfiguration<District>
{
    public void Configure(EntityTypeBuilder<District> builder)
    {
        builder.HasKey(d => d.Code);
        builder.Property(d => d.Code).HasMaxLength(4);
        builder.Property(d => d.ProvinceCode).HasMaxLength(2);
        builder.Property(d => d.NameTh).HasMaxLength(100);
        builder.Property(d => d.NameEn).HasMaxLength(100);
    }
}
