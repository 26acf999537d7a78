using GraphQLParser.AST;

namespace PartnerGraph.GraphQL.Common;

/// <summary>The operation of a document that would run, chosen as the executer chooses it.</summary>
public static class SelectedOperation
{
    /// <summary>The named operation, or the only one; null when the executer must report the document's problem.</summary>
    public static GraphQLOperationDefinition? Of(GraphQLDocument document, string? operationName)
    {
        GraphQLOperationDefinition? operation = null;
        foreach (var definition in document.Definitions)
        {
            if (definition is not GraphQLOperationDefinition candidate)
            {
                continue;
            }

            if (string.IsNullOrEmpty(operationName))
            {
                if (operation is not null)
                {
                    return null; // several operations and no name: the executer explains
                }

                operation = candidate;
            }
            else if (candidate.Name?.StringValue == operationName)
            {
                return candidate;
            }
        }

        return operation;
    }
}
