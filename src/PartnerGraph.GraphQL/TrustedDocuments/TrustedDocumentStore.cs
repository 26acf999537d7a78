using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Pipeline;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.TrustedDocuments;

/// <summary>Configuration section "TrustedDocuments".</summary>
public sealed class TrustedDocumentOptions
{
    public const string Section = "TrustedDocuments";

    /// <summary>The folder of shipped documents every client may run by id; relative to the program's folder (schema/operations is copied there as operations/).</summary>
    public string Folder { get; set; } = "operations";
}

/// <summary>
/// Trusted (persisted) documents: the shipped ones of the operations folder, open to every client, and those an
/// organisation registered (documents add), open to its own clients only. A request by documentId runs the stored
/// text; a client marked trusted-documents-only runs nothing else.
/// </summary>
public sealed partial class TrustedDocumentStore
{
    private readonly IDbContextFactory<PartnerGraphDbContext> databases;
    private readonly IReadOnlyDictionary<string, string> shipped;
    private readonly AutomaticPersistedQueries automatic;

    public TrustedDocumentStore(IDbContextFactory<PartnerGraphDbContext> databases, IOptions<TrustedDocumentOptions> options, ILogger<TrustedDocumentStore> logger, AutomaticPersistedQueries automatic)
    {
        this.databases = databases;
        this.automatic = automatic;
        var folder = Path.GetFullPath(options.Value.Folder, AppContext.BaseDirectory);
        shipped = LoadFolder(folder);
        LogLoaded(logger, shipped.Count, folder);
    }

    /// <summary>The shipped documents by id.</summary>
    public IReadOnlyDictionary<string, string> Shipped => shipped;

    /// <summary>Every .graphql file of the folder (and below it) by its document id; none when the folder does not exist.</summary>
    public static IReadOnlyDictionary<string, string> LoadFolder(string folder)
    {
        var documents = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return documents;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.graphql", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var text = File.ReadAllText(file);
            documents[TrustedDocument.IdOf(text)] = text;
        }

        return documents;
    }

    public static bool IsDocumentId(string? documentId) => documentId is not null && DocumentIdPattern().IsMatch(documentId);

    /// <summary>
    /// The request to run: a request by documentId gets the stored text; a free-text one passes unless the caller may
    /// run trusted documents only. Refusals are request errors with a code.
    /// </summary>
    public async Task<GraphQLRequest> ResolveAsync(GraphQLRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        if (request.DocumentId is null)
        {
            return caller.TrustedDocumentsOnly
                ? throw new OperationRefusedException(400, ErrorCodes.PersistedDocumentRequired, "This client may run registered documents only: send {\"documentId\": \"sha256:...\"} instead of a query.")
                : request;
        }

        if (!IsDocumentId(request.DocumentId))
        {
            throw new OperationRefusedException(400, ErrorCodes.BadRequest, request.Automatic
                ? "extensions.persistedQuery.sha256Hash must be the 64 lower-case hex digits of the document's SHA-256."
                : "documentId must be \"sha256:\" followed by the 64 lower-case hex digits of the document's SHA-256.");
        }

        if (request.Automatic)
        {
            return await ResolveAutomaticAsync(request, caller, cancellationToken);
        }

        if (!string.IsNullOrEmpty(request.Query) && TrustedDocument.IdOf(request.Query) != request.DocumentId)
        {
            throw new OperationRefusedException(400, ErrorCodes.BadRequest, "The query sent with the documentId is not that document; send the documentId alone.");
        }

        var text = await FindAsync(request.DocumentId, caller.OrganisationId, cancellationToken)
            ?? throw new OperationRefusedException(400, ErrorCodes.PersistedDocumentNotFound, "No document with this id is registered for this client. Register it first (documents add), or check the id.");
        return request with { Query = text };
    }

    /// <summary>
    /// Apollo's automatic persisted queries. The hash alone: a shipped or registered document, or one the caller's
    /// organisation sent with its hash before; else PERSISTED_QUERY_NOT_FOUND (status 200, as Apollo Server answers it:
    /// Apollo Client 3 stops using the protocol after a 400), and the client sends the document with its hash. The
    /// document with its hash: the hash is checked, the document remembered for the organisation and run. A
    /// trusted-documents-only client runs shipped and registered documents only, by hash or sent whole.
    /// </summary>
    private async Task<GraphQLRequest> ResolveAutomaticAsync(GraphQLRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var documentId = request.DocumentId!;
        if (!string.IsNullOrEmpty(request.Query))
        {
            if (TrustedDocument.IdOf(request.Query) != documentId)
            {
                throw new OperationRefusedException(400, ErrorCodes.PersistedQueryHashMismatch, "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent with it (hex of the UTF-8 text, exactly as sent).");
            }

            if (caller.TrustedDocumentsOnly)
            {
                _ = await FindAsync(documentId, caller.OrganisationId, cancellationToken)
                    ?? throw new OperationRefusedException(400, ErrorCodes.PersistedDocumentRequired, "This client may run registered documents only, and this document is not registered for it. Register it first (documents add).");
                return request;
            }

            automatic.Remember(caller.OrganisationId, documentId, request.Query);
            return request;
        }

        var text = (caller.TrustedDocumentsOnly ? null : automatic.Find(caller.OrganisationId, documentId))
            ?? await FindAsync(documentId, caller.OrganisationId, cancellationToken)
            ?? throw new OperationRefusedException(200, ErrorCodes.PersistedQueryNotFound, "PersistedQueryNotFound");
        return request with { Query = text };
    }

    private async Task<string?> FindAsync(string documentId, string organisationId, CancellationToken cancellationToken)
    {
        if (shipped.TryGetValue(documentId, out var text))
        {
            return text;
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.TrustedDocuments
            .Where(d => d.OrganisationId == organisationId && d.DocumentId == documentId)
            .Select(d => d.Text)
            .FirstOrDefaultAsync(cancellationToken);
    }

    [GeneratedRegex("^sha256:[0-9a-f]{64}$")]
    private static partial Regex DocumentIdPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} shipped trusted documents loaded from {Folder}")]
    private static partial void LogLoaded(ILogger logger, int count, string folder);
}
