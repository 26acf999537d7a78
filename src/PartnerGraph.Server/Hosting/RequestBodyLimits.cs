using Microsoft.AspNetCore.Http.Features;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.Server.Hosting;

/// <summary>
/// Limits on request bodies beside /graphql's own (GraphQL:MaxRequestBytes): forms such as the token request hold
/// short values only, and a body refused while an endpoint reads it is answered with a status and a code instead of
/// an exception. Kestrel's own limit (30 MB) stays: below it, the rest of a refused body is read and dropped, so the
/// client still gets its 413 rather than a broken connection.
/// </summary>
public static class RequestBodyLimits
{
    private const int MultipartBytes = 1024 * 1024;

    public static WebApplicationBuilder AddRequestBodyLimits(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<FormOptions>(form =>
        {
            // A token request is a handful of short fields; the defaults (4 MB a value) only make room for abuse.
            form.ValueCountLimit = 64;
            form.KeyLengthLimit = 256;
            form.ValueLengthLimit = 16 * 1024;
            form.MultipartBodyLengthLimit = MultipartBytes;
        });
        return builder;
    }

    /// <summary>Answers a body refused by Kestrel's or the form reader's limits with its status and a code, before any other middleware sees the exception.</summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (Exception e) when (!http.Response.HasStarted && (e is BadHttpRequestException || (e is InvalidDataException && http.Request.HasFormContentType)))
            {
                var status = e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status413PayloadTooLarge;
                var (code, message) = status == StatusCodes.Status413PayloadTooLarge
                    ? (ErrorCodes.RequestTooLarge, "The request body, or a value in it, is too large.")
                    : (ErrorCodes.BadRequest, "The request could not be read.");
                http.Response.Clear();
                http.Response.StatusCode = status;

                // Both shapes: OAuth 2 clients read error (RFC 6749 section 5.2), GraphQL clients errors[].extensions.code.
                await http.Response.WriteAsJsonAsync(new
                {
                    error = "invalid_request",
                    error_description = message,
                    errors = new[] { new { message, extensions = new { code } } },
                });
            }
        });
}
