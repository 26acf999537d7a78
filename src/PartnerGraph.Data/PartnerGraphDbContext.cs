using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using PartnerGraph.Domain.Audit;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Geography;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Programmes;
using PartnerGraph.Domain.Referrals;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.Domain.Statistics;
using PartnerGraph.Domain.Webhooks;

namespace PartnerGraph.Data;

/// <summary>The whole of PartnerGraph's data in one provider-neutral model.</summary>
public sealed class PartnerGraphDbContext(DbContextOptions<PartnerGraphDbContext> options) : DbContext(options)
{
    public DbSet<Province> Provinces => Set<Province>();
    public DbSet<District> Districts => Set<District>();
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<OrganisationProvince> OrganisationProvinces => Set<OrganisationProvince>();
    public DbSet<PartnerClient> PartnerClients => Set<PartnerClient>();
    public DbSet<Analyst> Analysts => Set<Analyst>();
    public DbSet<TrustedDocument> TrustedDocuments => Set<TrustedDocument>();
    public DbSet<CaseRecord> CaseRecords => Set<CaseRecord>();
    public DbSet<CaseCount> CaseCounts => Set<CaseCount>();
    public DbSet<Referral> Referrals => Set<Referral>();
    public DbSet<ReferralStatusChange> ReferralStatusChanges => Set<ReferralStatusChange>();
    public DbSet<OutboxEvent> OutboxEvents => Set<OutboxEvent>();
    public DbSet<Programme> Programmes => Set<Programme>();
    public DbSet<ProgrammePartner> ProgrammePartners => Set<ProgrammePartner>();
    public DbSet<CoverageReport> CoverageReports => Set<CoverageReport>();
    public DbSet<SharingAgreement> SharingAgreements => Set<SharingAgreement>();
    public DbSet<AccessLogEntry> AccessLog => Set<AccessLogEntry>();
    public DbSet<PrivacyBudget> PrivacyBudgets => Set<PrivacyBudget>();
    public DbSet<StatisticsRelease> StatisticsReleases => Set<StatisticsRelease>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: readable in the database and safe against reordering.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<ReferralServices>().HaveConversion<int>();
        configurationBuilder.Properties<SharedDatasets>().HaveConversion<int>();

        // Every time is UTC; SQLite forgets the kind, so it is restored on reading.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PartnerGraphDbContext).Assembly);
}

/// <summary>Stores times as UTC and reads them back marked as UTC.</summary>
internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
