using System.Collections.Concurrent;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;
using Microsoft.Extensions.Options;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Pipeline;

/// <summary>Configuration section "GraphQL": how many parsed documents are kept for reuse.</summary>
public sealed class DocumentCacheOptions
{
    public const string Section = "GraphQL";

    public int DocumentCacheSize { get; set; } = 1000;
}

/// <summary>Parsed documents by their text, so a partner's repeated query is parsed once. Bounded: emptied when full.</summary>
public sealed class DocumentCache(IOptions<DocumentCacheOptions> options)
{
    /// <summary>The deepest nesting the parser follows.</summary>
    public const int MaxParserDepth = 128;
    private readonly ConcurrentDictionary<string, GraphQLDocument> documents = new(StringComparer.Ordinal);

    /// <summary>
    /// The parsed document, or null when the text has a syntax error (the executer then reports where). A document
    /// nested deeper than the parser goes is refused here with MAX_DEPTH_EXCEEDED.
    /// </summary>
    public GraphQLDocument? Parse(string query)
    {
        if (documents.TryGetValue(query, out var document))
        {
            return document;
        }

        using var parsing = PartnerGraphTelemetry.Source.StartActivity("graphql.parse");
        try
        {
            document = Parser.Parse(query, new ParserOptions { Ignore = IgnoreOptions.Comments, MaxDepth = MaxParserDepth });
        }
        catch (GraphQLMaxDepthExceededException)
        {
            throw new OperationRefusedException(new OperationRefusal(400, ErrorCodes.MaxDepthExceeded, $"The document is nested more than {MaxParserDepth} levels deep. Ask for less nesting.")
            {
                Details = new Dictionary<string, object?> { ["limit"] = MaxParserDepth, ["value"] = MaxParserDepth + 1 },
            });
        }
        catch (GraphQLParserException)
        {
            parsing?.SetTag("error.code", "SYNTAX_ERROR");
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
