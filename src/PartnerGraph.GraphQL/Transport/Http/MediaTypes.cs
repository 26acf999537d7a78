using Microsoft.Net.Http.Headers;

namespace PartnerGraph.GraphQL.Transport.Http;

/// <summary>The media types of GraphQL over HTTP and the choice between them.</summary>
public static class MediaTypes
{
    public const string GraphQLResponse = "application/graphql-response+json";
    public const string Json = "application/json";

    /// <summary>
    /// The response type the Accept header asks for: graphql-response+json when named, application/json when named,
    /// missing, or matched by a wildcard; null when nothing we serve is acceptable.
    /// </summary>
    public static string? Negotiate(IList<string> acceptHeaders)
    {
        if (acceptHeaders.Count == 0 || !MediaTypeHeaderValue.TryParseList(acceptHeaders, out var accepted) || accepted.Count == 0)
        {
            return acceptHeaders.Count == 0 ? Json : null;
        }

        string? best = null;
        double bestQuality = 0;
        foreach (var range in accepted.OrderByDescending(a => a.Quality ?? 1))
        {
            var quality = range.Quality ?? 1;
            if (quality <= 0 || quality < bestQuality)
            {
                continue;
            }

            var type = range.MediaType.Value?.ToLowerInvariant();
            var candidate = type switch
            {
                GraphQLResponse => GraphQLResponse,
                Json or "application/*" or "*/*" => Json,
                _ => null,
            };
            if (candidate is not null && (best is null || (candidate == GraphQLResponse && quality >= bestQuality)))
            {
                best = candidate;
                bestQuality = quality;
            }
        }

        return best;
    }

    public static bool IsJson(string? contentType) =>
        contentType is not null
        && MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType.Value, Json, StringComparison.OrdinalIgnoreCase)
        && (parsed.Charset.Value is null || string.Equals(parsed.Charset.Value, "utf-8", StringComparison.OrdinalIgnoreCase));
}
