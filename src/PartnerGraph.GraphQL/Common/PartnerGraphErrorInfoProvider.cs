using GraphQL;
using GraphQL.Execution;
using Microsoft.Extensions.Logging;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// Shapes every error a partner sees: message, locations, path and extensions.code. Unhandled exceptions are
/// logged here by type and path only, and reach the partner as INTERNAL_ERROR with no detail.
/// </summary>
public sealed partial class PartnerGraphErrorInfoProvider(ILogger<PartnerGraphErrorInfoProvider> logger)
    : ErrorInfoProvider(new ErrorInfoProviderOptions { ExposeCode = true, ExposeCodes = false, ExposeData = false, ExposeExceptionDetails = false })
{
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
        if (executionError.Code is { } code && ValueEchoingCodes.Contains(code))
        {
            // GraphQL.NET quotes a value it could not convert; a value may be personal data, so it is not sent back.
            info.Message = QuotedValue().Replace(info.Message, "'(value withheld)'");
        }

        return info;
    }

    /// <summary>What a partner reads while the database cannot be reached: nothing of the exception, a hint to retry.</summary>
    public const string DatabaseUnavailableMessage = "The database is unavailable just now. Try again shortly.";

    private static readonly HashSet<string> ValueEchoingCodes = new(StringComparer.Ordinal) { "INVALID_VALUE", "ARGUMENTS_OF_CORRECT_TYPE", "INVALID_LITERAL" };

    /// <summary>A quoted literal holding a digit or an @: a value, not a type or field name.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"'[^']*[0-9@][^']*'|""[^""]*[0-9@][^""]*""")]
    private static partial System.Text.RegularExpressions.Regex QuotedValue();

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled {ExceptionType} while resolving {Path}")]
    private static partial void LogUnhandled(ILogger logger, string exceptionType, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Database unavailable ({ExceptionType}) while resolving {Path}")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string exceptionType, string path);
}
