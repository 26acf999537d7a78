using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace PartnerGraph.GraphQL.TrustedDocuments;

/// <summary>Configuration section "TrustedDocuments:Automatic": how many documents Apollo's automatic persisted queries keep.</summary>
public sealed class AutomaticPersistedQueryOptions
{
    public const string Section = "TrustedDocuments:Automatic";

    /// <summary>Most documents remembered for one organisation; the least recently used goes first.</summary>
    public int MaxDocumentsPerOrganisation { get; set; } = 1000;

    /// <summary>Most characters of document text remembered for one organisation (a request body is at most 256 KiB).</summary>
    public int MaxCharactersPerOrganisation { get; set; } = 2_000_000;
}

/// <summary>
/// Documents sent once with their hash (Apollo's automatic persisted queries), remembered for the sender's organisation
/// so that the hash alone runs them afterwards. In memory, one least-recently-used list per organisation, bounded in
/// count and characters: a miss costs the client one round trip (it sends the document again), so nothing here needs
/// to outlive the process or be shared between instances, and no partner can fill another's list or learn by hash
/// which documents another sends. Not a trusted document: a client marked trusted-documents-only never runs these.
/// </summary>
public sealed class AutomaticPersistedQueries(IOptions<AutomaticPersistedQueryOptions> options)
{
    private readonly ConcurrentDictionary<string, Organisation> organisations = new(StringComparer.Ordinal);

    /// <summary>Remembers the text under its document id ("sha256:..."), already checked to be its hash, for the organisation.</summary>
    public void Remember(string organisationId, string documentId, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        organisations.GetOrAdd(organisationId, _ => new Organisation()).Remember(documentId, text, options.Value);
    }

    /// <summary>The text the organisation sent with this id, when it is still remembered.</summary>
    public string? Find(string organisationId, string documentId) =>
        organisations.TryGetValue(organisationId, out var organisation) ? organisation.Find(documentId) : null;

    /// <summary>How many documents are remembered for the organisation.</summary>
    public int Count(string organisationId) => organisations.TryGetValue(organisationId, out var organisation) ? organisation.Count : 0;

    private sealed class Organisation
    {
        private readonly Dictionary<string, LinkedListNode<(string Id, string Text)>> byId = new(StringComparer.Ordinal);
        private readonly LinkedList<(string Id, string Text)> recency = new();
        private long characters;

        public int Count
        {
            get
            {
                lock (byId)
                {
                    return byId.Count;
                }
            }
        }

        public string? Find(string documentId)
        {
            lock (byId)
            {
                if (!byId.TryGetValue(documentId, out var node))
                {
                    return null;
                }

                recency.Remove(node);
                recency.AddFirst(node);
                return node.Value.Text;
            }
        }

        public void Remember(string documentId, string text, AutomaticPersistedQueryOptions limits)
        {
            if (text.Length > limits.MaxCharactersPerOrganisation)
            {
                return;
            }

            lock (byId)
            {
                if (byId.TryGetValue(documentId, out var known))
                {
                    recency.Remove(known);
                    recency.AddFirst(known);
                    return;
                }

                byId[documentId] = recency.AddFirst((documentId, text));
                characters += text.Length;
                while (byId.Count > limits.MaxDocumentsPerOrganisation || characters > limits.MaxCharactersPerOrganisation)
                {
                    var oldest = recency.Last!;
                    recency.RemoveLast();
                    byId.Remove(oldest.Value.Id);
                    characters -= oldest.Value.Text.Length;
                }
            }
        }
    }
}
