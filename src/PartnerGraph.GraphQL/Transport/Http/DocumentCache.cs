using System.Collections.Concurrent;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;
using Microsoft.Extensions.Options;

namespace PartnerGraph.GraphQL.Transport.Http;

/// <summary>Parsed documents by their text, so a partner's repeated query is parsed once. Bounded: emptied when full.</summary>
public sealed class DocumentCache(IOptions<GraphQLHttpOptions> options)
{
    private readonly ConcurrentDictionary<string, GraphQLDocument> documents = new(StringComparer.Ordinal);

    /// <summary>The parsed document, or null when the text does not parse (the executer then reports why).</summary>
    public GraphQLDocument? Parse(string query)
    {
        if (documents.TryGetValue(query, out var document))
        {
            return document;
        }

        try
        {
            document = Parser.Parse(query, new ParserOptions { Ignore = IgnoreOptions.Comments, MaxDepth = 128 });
        }
        catch (GraphQLParserException)
        {
            return null;
        }

        if (documents.Count >= options.Value.DocumentCacheSize)
        {
            documents.Clear();
        }

        documents.TryAdd(query, document);
        return document;
    }
}
