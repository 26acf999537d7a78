using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace PartnerGraph.GraphQL.Transport.Http;

/// <summary>The media types of GraphQL over HTTP and the choice between them, by RFC 9110 (section 12.5.1).</summary>
public static class MediaTypes
{
    public const string GraphQLResponse = "application/graphql-response+json";
    public const string Json = "application/json";
    public const string EventStream = "text/event-stream";

    /// <summary>
    /// The JSON type to answer with: of graphql-response+json and application/json, the one with the higher quality,
    /// each taking the quality of the most specific range that matches it (type/subtype over type/* over */*); on equal
    /// quality the one named first, and application/json when only a wildcard names them. Null when neither is
    /// acceptable (q=0, or not matched). No Accept header at all accepts anything: application/json.
    /// </summary>
    public static string? Negotiate(IList<string> acceptHeaders)
    {
        ArgumentNullException.ThrowIfNull(acceptHeaders);
        if (acceptHeaders.Count == 0)
        {
            return Json;
        }

        if (!TryParse(acceptHeaders, out var accepted))
        {
            return null;
        }

        var graphQL = Preference(accepted, GraphQLResponse);
        var json = Preference(accepted, Json);
        if (graphQL.Quality <= 0 && json.Quality <= 0)
        {
            return null;
        }

        if (graphQL.Quality != json.Quality)
        {
            return graphQL.Quality > json.Quality ? GraphQLResponse : Json;
        }

        // Equal quality: the one named first; one range matching both (a wildcard) gives application/json, as GraphQL over HTTP asks.
        return graphQL.Position < json.Position ? GraphQLResponse : Json;
    }

    /// <summary>Whether the client names text/event-stream (or text/*) with a quality above 0.</summary>
    public static bool AcceptsEventStream(IList<string> acceptHeaders) =>
        TryParse(acceptHeaders, out var accepted) && Preference(accepted, EventStream, wildcardMatches: false).Quality > 0;

    public static bool IsJson(string? contentType) =>
        contentType is not null
        && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType.Value, Json, StringComparison.OrdinalIgnoreCase)
        && (parsed.Charset.Value is null || string.Equals(parsed.Charset.Value, "utf-8", StringComparison.OrdinalIgnoreCase));

    private static bool TryParse(IList<string> acceptHeaders, out IList<MediaTypeHeaderValue> accepted)
    {
        if (acceptHeaders.Count > 0 && MediaTypeHeaderValue.TryParseList(acceptHeaders, out var parsed) && parsed.Count > 0)
        {
            accepted = parsed;
            return true;
        }

        accepted = [];
        return false;
    }

    /// <summary>
    /// The quality the Accept ranges give a media type: that of its most specific matching range (RFC 9110: "the most
    /// specific reference has precedence"), 0 when none matches; and the position of that range in the header.
    /// With wildcardMatches false, */* does not count (an event stream is given only to a client that names it).
    /// </summary>
    private static (double Quality, int Position) Preference(IList<MediaTypeHeaderValue> accepted, string mediaType, bool wildcardMatches = true)
    {
        var slash = mediaType.IndexOf('/', StringComparison.Ordinal);
        var type = mediaType[..slash];
        var best = (Specificity: -1, Quality: 0d, Position: int.MaxValue);
        for (var i = 0; i < accepted.Count; i++)
        {
            var range = accepted[i];
            var specificity = range.MatchesAllTypes ? (wildcardMatches ? 0 : -1)
                : range.MatchesAllSubTypes ? (SameText(range.Type, type) ? 1 : -1)
                : SameText(range.MediaType, mediaType) ? 2
                : -1;
            if (specificity > best.Specificity)
            {
                best = (specificity, range.Quality ?? 1, i);
            }
        }

        return (best.Quality, best.Position);
    }

    private static bool SameText(StringSegment value, string expected) => StringSegment.Equals(value, expected, StringComparison.OrdinalIgnoreCase);
}
