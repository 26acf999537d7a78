using PartnerGraph.Data;

namespace PartnerGraph.Server.Hosting;

/// <summary>
/// A request outside /graphql (the token endpoint, the analysts' sign-in) that meets a database that cannot be
/// reached answers 503 with Retry-After and the code DATABASE_UNAVAILABLE, in OAuth 2's error shape, instead of a bare
/// 500; nothing of the exception reaches the caller. /graphql answers the same code in GraphQL's own shape: through the
/// operation pipeline once the server has had its database, here (before authentication) while it still waits for it.
/// </summary>
public static partial class DatabaseOutage
{
    public const string RetryAfterSeconds = "5";

    public static IApplicationBuilder UseDatabaseOutageAnswers(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.Request.Path.StartsWithSegments("/graphql") && http.RequestServices.GetRequiredService<DatabasePreparation>().IsWaiting)
        {
            // Started without its database: no operation can be served, whoever asks (a token could not be checked either).
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = RetryAfterSeconds;
            http.Response.Headers.CacheControl = "no-store";
            await http.Response.WriteAsJsonAsync(new GraphQLAnswer([new GraphQLError(PartnerGraph.GraphQL.Common.PartnerGraphErrorInfoProvider.DatabaseUnavailableMessage, new ErrorExtensions(DatabaseAvailability.UnavailableCode))]));
            return;
        }

        try
        {
            await next(http);
        }
        catch (Exception e) when (DatabaseAvailability.IsUnavailable(e) && !http.Response.HasStarted)
        {
            LogUnavailable(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseOutage)), e.GetType().Name, http.Request.Path);
            http.Response.Clear();
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = RetryAfterSeconds;
            http.Response.Headers.CacheControl = "no-store";
            await http.Response.WriteAsJsonAsync(new Answer("temporarily_unavailable", "The database is unavailable just now. Try again shortly.", DatabaseAvailability.UnavailableCode));
        }
    });

    private sealed record Answer(
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
        [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string Description,
        [property: System.Text.Json.Serialization.JsonPropertyName("code")] string Code);

    private sealed record GraphQLAnswer([property: System.Text.Json.Serialization.JsonPropertyName("errors")] GraphQLError[] Errors);

    private sealed record GraphQLError(
        [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message,
        [property: System.Text.Json.Serialization.JsonPropertyName("extensions")] ErrorExtensions Extensions);

    private sealed record ErrorExtensions([property: System.Text.Json.Serialization.JsonPropertyName("code")] string Code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Database unavailable ({ExceptionType}) while answering {Path}")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, PathString path);
}
