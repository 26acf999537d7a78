using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.GraphQL.Audit;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Coverage;
using PartnerGraph.GraphQL.Geography;
using PartnerGraph.GraphQL.Organisations;
using PartnerGraph.GraphQL.Pipeline;
using PartnerGraph.GraphQL.Referrals;
using PartnerGraph.GraphQL.Statistics;
using PartnerGraph.GraphQL.Transport;
using PartnerGraph.GraphQL.Viewer;
using PartnerGraph.GraphQL.Webhooks;

namespace PartnerGraph.GraphQL;

public static class GraphQLServiceCollectionExtensions
{
    public static IServiceCollection AddPartnerGraphSchema(this IServiceCollection services)
    {
        services.AddSingleton<GeographyCatalogue>();
        services.AddSingleton<IRootFields, NodeQueries>();
        services.AddSingleton<IRootFields, ViewerQueries>();
        services.AddSingleton<IRootFields, OrganisationQueries>();
        services.AddSingleton<IRootFields, GeographyQueries>();
        services.AddSingleton<IRootFields, ReferralQueries>();
        services.AddSingleton<IRootFields, CoverageQueries>();
        services.AddSingleton<IRootFields, AccessLogQueries>();
        services.AddSingleton<IRootFields, Cases.CaseMutations>();
        services.AddSingleton<IRootFields, ReferralMutations>();
        services.AddSingleton<IRootFields, CoverageReportMutations>();
        services.AddSingleton<IRootFields, ReferralSubscriptions>();
        services.AddSingleton<IRootFields, StatisticsQueries>();
        services.AddSingleton<IRootFields, CoverageGapQueries>();
        services.AddOptions<StatisticsOptions>().BindConfiguration(StatisticsOptions.Section);
        services.AddSingleton<PublishedTables>();
        services.AddSingleton<StatisticsReleaser>();
        services.AddSingleton<SchemaCatalogue>();
        services.AddSingleton<ISchema>(sp => sp.GetRequiredService<SchemaCatalogue>().Everything);
        services.AddGraphQL(graphql => graphql
            .AddGraphTypes(typeof(PartnerGraphSchema).Assembly)
            // Thai names as text, not \u escapes; characters that matter to HTML stay escaped.
            .AddSystemTextJson(json => json.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.BasicLatin, System.Text.Unicode.UnicodeRanges.Thai))
            .AddErrorInfoProvider<PartnerGraphErrorInfoProvider>()
            .AddExecutionStrategy<QueryExecutionStrategy>(GraphQLParser.AST.OperationType.Query)
            .AddExecutionStrategy<EventExecutionStrategy>(GraphQLParser.AST.OperationType.Subscription)
            // One span around validation and execution, named by the operation; never the document or its variables.
            .UseTelemetry(telemetry => telemetry.RecordDocument = false));
        services.AddOperationPipeline();
        services.AddPartnerGraphWebhooks();
        services.AddPartnerGraphTransports();
        return services;
    }
}
