using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerGraph.Domain.Statistics;

namespace PartnerGraph.Data.Configuration;

internal sealed class PrivacyBudgetConfiguration : IEntityTypeConfiguration<PrivacyBudget>
{
    public void Configure(EntityTypeBuilder<PrivacyBudget> builder)
    {
        builder.ToTable("PrivacyBudgets");
        builder.HasKey(b => new { b.Account, b.Quarter });
        builder.Property(b => b.Account).HasMaxLength(64);
    }
}

internal sealed class StatisticsReleaseConfiguration : IEntityTypeConfiguration<StatisticsRelease>
{
    public void Configure(EntityTypeBuilder<StatisticsRelease> builder)
    {
        builder.ToTable("StatisticsReleases");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Account).HasMaxLength(64);
        builder.Property(r => r.Question).HasMaxLength(64).IsFixedLength();
        builder.HasIndex(r => new { r.Account, r.Question, r.DataVersion }).IsUnique();
    }
}
