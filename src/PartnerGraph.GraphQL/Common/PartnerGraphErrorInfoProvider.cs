using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PartnerGraph.Domain.PersonalData;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// Shapes every error a partner sees: message, locations, path and extensions.code. Unhandled exceptions are
/// logged here by type and path only, and reach the partner as INTERNAL_ERROR with no detail.
/// </summary>
public sealed partial class PartnerGraphErrorInfoProvider(ILogger<PartnerGraphErrorInfoProvider> logger, IServiceProvider services)
    : ErrorInfoProvider(new ErrorInfoProviderOptions { ExposeCode = true, ExposeCodes = false, ExposeData = false, ExposeExceptionDetails = false })
{
    /// <summary>Every name of the whole schema (types, fields, arguments, enum values, directives): what GraphQL.NET may quote of ours.</summary>
    private readonly Lazy<HashSet<string>> schemaNames = new(() => SchemaNames(services.GetRequiredService<SchemaCatalogue>().Everything));

    public override ErrorInfo GetInfo(ExecutionError executionError)
    {
        if (executionError is UnhandledError { InnerException: var inner } && PartnerGraph.Data.DatabaseAvailability.IsUnavailable(inner))
        {
            LogDatabaseUnavailable(logger, inner!.GetType().Name, executionError.Path is null ? "" : string.Join('.', executionError.Path));
            return new ErrorInfo
            {
                Message = DatabaseUnavailableMessage,
                Extensions = new Dictionary<string, object?> { ["code"] = ErrorCodes.DatabaseUnavailable },
            };
        }

        if (executionError is UnhandledError unhandled)
        {
            LogUnhandled(logger, unhandled.InnerException?.GetType().Name ?? "unknown", executionError.Path is null ? "" : string.Join('.', executionError.Path));
            return new ErrorInfo
            {
                Message = "The server could not complete this request. It has been logged; try again later.",
                Extensions = new Dictionary<string, object?> { ["code"] = ErrorCodes.InternalError },
            };
        }

        var info = base.GetInfo(executionError);
        if (executionError is IHasErrorDetails { Details: { } details })
        {
            var extensions = info.Extensions ??= new Dictionary<string, object?>();
            foreach (var (key, value) in details)
            {
                extensions[key] = value;
            }
        }

        if (executionError is not UserError)
        {
            // GraphQL.NET's own messages (syntax, validation, variables) quote what was sent. A value is never repeated:
            // where the error is about values, only the schema's own names stay quoted; elsewhere the document's names
            // (an unknown field, an operation name) stay too, unless the personal-data guard finds something in them.
            var aboutValues = executionError.Code is { } code && ValueErrorCodes.Contains(code);
            info.Message = Quoted().Replace(info.Message, m => Repeatable(m.Groups["text"].Value, aboutValues) ? m.Value : "(withheld)");
            if (aboutValues)
            {
                // "Expected type 'Int', found Malee." prints the value as it was written, unquoted.
                info.Message = FoundValue().Replace(info.Message, m => Repeatable(m.Value, aboutValues) ? m.Value : "(withheld)");
            }
        }

        return info;
    }

    private static readonly HashSet<string> ValueErrorCodes = new(StringComparer.Ordinal)
    {
        "SYNTAX_ERROR", "INVALID_VALUE", "INVALID_LITERAL", "ARGUMENTS_OF_CORRECT_TYPE", "DEFAULT_VALUES_OF_CORRECT_TYPE",
    };

    private bool Repeatable(string quoted, bool aboutValues) =>
        TypeReference().Match(quoted) is { Success: true } reference
        && (schemaNames.Value.Contains(reference.Groups["name"].Value) || (!aboutValues && PersonalDataGuard.Find(quoted) is null));

    private static HashSet<string> SchemaNames(ISchema schema)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in schema.AllTypes)
        {
            names.Add(type.Name);
            if (type is IComplexGraphType complex)
            {
                foreach (var field in complex.Fields)
                {
                    names.Add(field.Name);
                    foreach (var argument in field.Arguments ?? [])
                    {
                        names.Add(argument.Name);
                    }
                }
            }
            else if (type is EnumerationGraphType enumeration)
            {
                foreach (var value in enumeration.Values)
                {
                    names.Add(value.Name);
                }
            }
        }

        foreach (var directive in schema.Directives)
        {
            names.Add(directive.Name);
        }

        return names;
    }

    /// <summary>What a partner reads while the database cannot be reached: nothing of the exception, a hint to retry.</summary>
    public const string DatabaseUnavailableMessage = "The database is unavailable just now. Try again shortly.";

    /// <summary>Text in single or double quotes (GraphQL.NET quotes both ways).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"'(?<text>[^']*)'|""(?<text>[^""]*)""")]
    private static partial System.Text.RegularExpressions.Regex Quoted();

    /// <summary>What GraphQL.NET found where a value of another type belongs, up to the sentence's end.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=found )[^\]]*?(?=\.\]|\.$)")]
    private static partial System.Text.RegularExpressions.Regex FoundValue();

    /// <summary>A name alone or in a type reference such as [String!]! or $name; whether it is ours is looked up.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\[*\$?(?<name>[_A-Za-z][_0-9A-Za-z]*)!?\]*!?$")]
    private static partial System.Text.RegularExpressions.Regex TypeReference();

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} while resolving {Path}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Database unavailable ({ExceptionType}) while resolving {Path}")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string exceptionType, string path);
}
