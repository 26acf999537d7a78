using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Referrals;

namespace PartnerGraph.Data.Configuration;

internal sealed class ReferralConfiguration : IEntityTypeConfiguration<Referral>
{
    public void Configure(EntityTypeBuilder<Referral> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Reference).HasMaxLength(20);
        builder.HasIndex(r => r.Reference).IsUnique();
        builder.Property(r => r.DestinationCountry).HasMaxLength(2);
        builder.Property(r => r.FromOrganisationId).HasMaxLength(64);
        builder.Property(r => r.ToOrganisationId).HasMaxLength(64);
        builder.Property(r => r.Version).IsConcurrencyToken();
        builder.HasOne<Organisation>().WithMany().HasForeignKey(r => r.FromOrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(r => r.ToOrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<CaseRecord>().WithMany().HasForeignKey(r => r.CaseRecordId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(r => r.History).WithOne().HasForeignKey(h => h.ReferralId);
        builder.HasIndex(r => new { r.FromOrganisationId, r.Id });
        builder.HasIndex(r => new { r.ToOrganisationId, r.Id });
        builder.HasIndex(r => r.UpdatedAt);
    }
}

internal sealed class ReferralStatusChangeConfiguration : IEntityTypeConfiguration<ReferralStatusChange>
{
    public void Configure(EntityTypeBuilder<ReferralStatusChange> builder)
    {
        builder.HasKey(h => h.Sequence);
        builder.Property(h => h.Sequence).ValueGeneratedOnAdd();
        builder.Property(h => h.ChangedByOrganisationId).HasMaxLength(64);
        builder.Property(h => h.Reason).HasMaxLength(500);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(h => h.ChangedByOrganisationId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(h => new { h.ReferralId, h.Sequence });
    }
}

internal sealed class OutboxEventConfiguration : IEntityTypeConfiguration<OutboxEvent>
{
    public void Configure(EntityTypeBuilder<OutboxEvent> builder)
    {
        builder.ToTable("Outbox");
        builder.HasKey(e => e.Sequence);
        builder.Property(e => e.Sequence).ValueGeneratedNever();
        builder.Property(e => e.FromOrganisationId).HasMaxLength(64);
        builder.Property(e => e.ToOrganisationId).HasMaxLength(64);
        builder.HasOne(e => e.Change).WithOne().HasForeignKey<OutboxEvent>(e => e.Sequence);
        builder.HasIndex(e => e.PublishedAt);
    }
}
