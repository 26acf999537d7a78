using PartnerGraph.GraphQL.Pipeline;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// Transports speak their protocol and nothing else: every step of an operation is the pipeline's. So their compiled
/// code may not touch storage (PartnerGraph.Data, EF Core, Redis), the caller's identity (they hand the pipeline a
/// token), the domain, the access log, trusted documents or any feature of the schema.
/// </summary>
public sealed class TransportBoundaryTests
{
    private static readonly string[] Forbidden =
    [
        "PartnerGraph.Data",
        "Microsoft.EntityFrameworkCore",
        "StackExchange.Redis",
        "PartnerGraph.Identity",
        "PartnerGraph.Domain",
        "PartnerGraph.GraphQL.Audit",
        "PartnerGraph.GraphQL.TrustedDocuments",
        "PartnerGraph.GraphQL.Cases",
        "PartnerGraph.GraphQL.Coverage",
        "PartnerGraph.GraphQL.Geography",
        "PartnerGraph.GraphQL.Organisations",
        "PartnerGraph.GraphQL.Referrals",
        "PartnerGraph.GraphQL.Statistics",
        "PartnerGraph.GraphQL.Viewer",
    ];

    private static readonly string Assembly = typeof(OperationPipeline).Assembly.Location;

    [Fact]
    public void Transports_refer_to_no_storage_identity_domain_access_log_trusted_documents_or_feature()
    {
        var referenced = TypeReferences.Of(Assembly, ns => ns.StartsWith("PartnerGraph.GraphQL.Transport", StringComparison.Ordinal));

        Assert.Empty(referenced.Where(IsForbidden).Order(StringComparer.Ordinal));

        // The same reading sees the transports' own work: the pipeline they hand operations to, the sockets they speak.
        Assert.Contains(typeof(OperationPipeline).FullName!, referenced);
        Assert.Contains("System.Net.WebSockets.WebSocket", referenced);
    }

    [Fact]
    public void The_reading_finds_what_the_pipeline_refers_to_in_its_method_bodies()
    {
        // The pipeline writes the access log and checks database availability in catch filters: both must be seen.
        var referenced = TypeReferences.Of(Assembly, ns => ns == "PartnerGraph.GraphQL.Pipeline");

        Assert.Contains("PartnerGraph.Data.AccessLogWriter", referenced);
        Assert.Contains("PartnerGraph.Data.DatabaseAvailability", referenced);
        Assert.Contains("PartnerGraph.GraphQL.TrustedDocuments.TrustedDocumentStore", referenced);
    }

    private static bool IsForbidden(string type) =>
        Forbidden.Any(ns => type.StartsWith(ns + ".", StringComparison.Ordinal));
}
