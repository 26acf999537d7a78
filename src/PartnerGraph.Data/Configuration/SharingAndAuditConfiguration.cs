using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using PartnerGraph.Domain.Audit;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Sharing;

namespace PartnerGraph.Data.Configuration;

internal sealed class SharingAgreementConfiguration : IEntityTypeConfiguration<SharingAgreement>
{
    public void Configure(EntityTypeBuilder<SharingAgreement> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.OrganisationId).HasMaxLength(64);
        builder.HasOne<Organisation>().WithMany().HasForeignKey(a => a.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => a.OrganisationId);
    }
}

internal sealed class AccessLogEntryConfiguration : IEntityTypeConfiguration<AccessLogEntry>
{
    public void Configure(EntityTypeBuilder<AccessLogEntry> builder)
    {
        builder.ToTable("AccessLog");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.ClientId).HasMaxLength(100);
        builder.Property(e => e.OrganisationId).HasMaxLength(64);
        builder.Property(e => e.PersonId).HasMaxLength(100);
        builder.Property(e => e.OperationName).HasMaxLength(200);
        builder.Property(e => e.OperationType).HasMaxLength(20);
        builder.Property(e => e.DocumentHash).HasMaxLength(64);
        builder.Property(e => e.Datasets).HasMaxLength(200);
        builder.Property(e => e.Dimensions).HasMaxLength(400);
        builder.Property(e => e.ErrorCodes).HasMaxLength(400);
        builder.HasIndex(e => new { e.OrganisationId, e.At });
        builder.HasIndex(e => e.At);
    }
}
