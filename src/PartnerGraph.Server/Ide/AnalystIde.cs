using System.Text;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace PartnerGraph.Server.Ide;

/// <summary>
/// Banana Cake Pop, the analysts' GraphQL IDE, at /graphql for a browser that asks for HTML, from the project's own
/// copy of the npm package (ide/ beside the program; ChilliCream License 1.0, its LICENSE served beside the files).
/// Every other request to /graphql goes on to GraphQL over HTTP untouched.
/// </summary>
public static class AnalystIde
{
    public const string Path = "/graphql";

    /// <summary>
    /// Only this origin. The IDE needs 'unsafe-eval' (its JSON-schema validator, Ajv, compiles schemas with new
    /// Function; without it the page stays blank), inline styles (its CSS-in-JS) and blob: workers; no inline script.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; manifest-src 'self'; object-src 'none'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The folder of the IDE's files: Ide:Path, else ide/ beside the program (the build copies it there).</summary>
    public static string Folder(IConfiguration configuration) =>
        configuration["Ide:Path"] is { Length: > 0 } path ? path : System.IO.Path.Combine(AppContext.BaseDirectory, "ide");

    public static WebApplication UseAnalystIde(this WebApplication app)
    {
        var folder = Folder(app.Configuration);
        if (!File.Exists(System.IO.Path.Combine(folder, "index.html")))
        {
            Console.Error.WriteLine($"The analysts' IDE is missing from {folder}: build the server (its build runs npm ci in src/PartnerGraph.Server/Ide).");
            return app;
        }

        var page = IndexPage(folder);
        app.Use(async (http, next) =>
        {
            if (IsBrowserAskingForThePage(http.Request))
            {
                AddSecurityHeaders(http.Response);
                http.Response.ContentType = "text/html; charset=utf-8";
                http.Response.Headers.CacheControl = "no-cache";
                await http.Response.Body.WriteAsync(page, http.RequestAborted);
                return;
            }

            if (HttpMethods.IsGet(http.Request.Method) && http.Request.Path.Equals(Path + "/bcp-config.json", StringComparison.Ordinal))
            {
                AddSecurityHeaders(http.Response);
                http.Response.Headers.CacheControl = "no-cache";
                await http.Response.WriteAsJsonAsync(Configuration, http.RequestAborted);
                return;
            }

            await next(http);
        });

        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".webmanifest"] = "application/manifest+json";
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(folder),
            RequestPath = Path,
            ContentTypeProvider = types,
            // The licence file has no extension; it is served as text beside the IDE, as the licence asks.
            ServeUnknownFileTypes = true,
            DefaultContentType = "text/plain",
            OnPrepareResponse = file => AddSecurityHeaders(file.Context.Response),
        });
        return app;
    }

    /// <summary>
    /// What Banana Cake Pop 18 reads from bcp-config.json (the "preset" of its main bundle): endpoint,
    /// useBrowserUrlAsEndpoint, httpHeaders, includeCookies, useGet, gaTrackingId and disableTelemetry. Its subscription
    /// protocol ("auto" by default: graphql-transport-ws, which this server speaks, then SSE) and its authentication are
    /// connection settings of each document that the preset cannot set.
    /// </summary>
    public static readonly object Configuration = new
    {
        // Resolved against the page's own address: this server's /graphql, whatever host and port serve it.
        useBrowserUrlAsEndpoint = true,
        endpoint = Path,
        includeCookies = false,
        useGet = false,
        disableTelemetry = true,
    };

    /// <summary>A GET or HEAD of /graphql (or /graphql/) with no query, whose Accept header names text/html.</summary>
    public static bool IsBrowserAskingForThePage(HttpRequest request)
    {
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            || !(request.Path.Equals(Path, StringComparison.Ordinal) || request.Path.Equals(Path + "/", StringComparison.Ordinal))
            || request.Query.ContainsKey("query"))
        {
            return false;
        }

        return MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
            && accepted.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase) && (a.Quality ?? 1) > 0);
    }

    public static void AddSecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>The package's index.html with a base address, so that its relative files resolve under /graphql/ at /graphql too.</summary>
    private static byte[] IndexPage(string folder)
    {
        var html = File.ReadAllText(System.IO.Path.Combine(folder, "index.html"));
        var head = html.IndexOf("<head>", StringComparison.OrdinalIgnoreCase);
        if (head < 0)
        {
            throw new InvalidOperationException($"{folder}/index.html has no <head>; is it Banana Cake Pop's?");
        }

        return Encoding.UTF8.GetBytes(html.Insert(head + "<head>".Length, $"<base href=\"{Path}/\"/>"));
    }
}
