namespace PartnerGraph.Client.Subscriptions;

/// <summary>
/// The referral feed's document (follow-referral-changes.graphql, shipped in the package) and its trusted-document id,
/// for an operator registering it for a trusted-documents-only client.
/// </summary>
public static class ReferralFeed
{
    /// <summary>The document's text, exactly as in follow-referral-changes.graphql.</summary>
    public static string Document { get; } = Read();

    /// <summary>Its id: <c>sha256:</c> and the SHA-256 of its text.</summary>
    public static string DocumentId { get; } = GraphQLRequest.DocumentIdOf(Document);

    private static string Read()
    {
        using var stream = typeof(ReferralFeed).Assembly.GetManifestResourceStream("follow-referral-changes.graphql")
            ?? throw new InvalidOperationException("follow-referral-changes.graphql is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
