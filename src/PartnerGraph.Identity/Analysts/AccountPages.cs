using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PartnerGraph.Data;
using PartnerGraph.Domain.Audit;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Identity.Throttling;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PartnerGraph.Identity.Analysts;

/// <summary>The analysts' sign-in cookie: it only lets the authorization endpoint issue a code; /graphql never reads it.</summary>
public static class AnalystCookie
{
    public const string Scheme = "PartnerGraph.Analyst";
}

/// <summary>
/// Server-rendered pages for analysts: the login form (antiforgery, cookie), and the token page that runs the
/// authorization code flow with PKCE in the browser and shows the short-lived token with a copy button.
/// </summary>
public static class AccountPages
{
    /// <summary>Only this origin; no inline script or style, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static IEndpointRouteBuilder MapAccountPages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/account/login", ShowLoginForm);
        endpoints.MapPost("/account/login", LoginAsync).DisableAntiforgery();
        endpoints.MapPost("/account/logout", LogoutAsync).DisableAntiforgery();
        endpoints.MapGet("/account/token", TokenPage);
        endpoints.MapGet("/account/token.js", (HttpContext http) => Asset(http, AccountAssets.TokenScript, "text/javascript"));
        endpoints.MapGet("/account/site.css", (HttpContext http) => Asset(http, AccountAssets.Stylesheet, "text/css"));
        return endpoints;
    }

    private static IResult ShowLoginForm(HttpContext http, IAntiforgery antiforgery)
    {
        var returnUrl = http.Request.Query["ReturnUrl"].ToString();
        return returnUrl.Length > 0 && !IsPlainLocalPath(returnUrl)
            ? NotALocalPage(http)
            : LoginForm(http, antiforgery, returnUrl, email: null, problem: null, StatusCodes.Status200OK);
    }

    private static async Task<IResult> LoginAsync(HttpContext http, IAntiforgery antiforgery, AnalystDirectory directory, AnalystDevices devices, AccessLogWriter log, TimeProvider clock)
    {
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(http.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return LoginForm(http, antiforgery, "", null, "The form held characters that no sign-in form sends. Please sign in again.", StatusCodes.Status400BadRequest);
        }

        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return LoginForm(http, antiforgery, "", null, "The form had expired or did not come from this page. Please sign in again.", StatusCodes.Status400BadRequest);
        }

        var email = form["email"].ToString();
        var returnUrl = form["returnUrl"].ToString();

        // Before the password is even looked at, so that the answer is the same whatever it is.
        if (returnUrl.Length > 0 && !IsPlainLocalPath(returnUrl))
        {
            await RecordAsync(log, clock, null, "INVALID_RETURN_URL");
            return NotALocalPage(http);
        }

        var device = devices.Read(http);
        var result = await directory.SignInAsync(email, form["password"].ToString(), new SignInSource(SourceAddress.Of(http), device), http.RequestAborted);
        await RecordAsync(log, clock, result.Account, result.Code);
        if (result.Outcome == SignInOutcome.Slowed)
        {
            var minutes = Math.Max(1, (int)Math.Ceiling(result.RetryAfter!.Value.TotalMinutes));
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(result.RetryAfter.Value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return LoginForm(http, antiforgery, returnUrl, email, $"Too many failed sign-ins from your network. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}.", StatusCodes.Status429TooManyRequests);
        }

        if (result.Analyst is not { } analyst)
        {
            return LoginForm(http, antiforgery, returnUrl, email, SignInResult.WrongCredentials, StatusCodes.Status401Unauthorized);
        }

        var identity = new ClaimsIdentity(AnalystCookie.Scheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, analyst.Id));
        identity.AddClaim(new Claim(Claims.Name, analyst.Email));
        await http.SignInAsync(AnalystCookie.Scheme, new ClaimsPrincipal(identity));
        devices.Remember(http, analyst.Id, device);
        return Results.Redirect(returnUrl.Length > 0 ? returnUrl : "/account/token");
    }

    /// <summary>Every sign-in attempt in the access log: the person whose account was tried (never the address typed) and the outcome.</summary>
    private static Task RecordAsync(AccessLogWriter log, TimeProvider clock, Analyst? account, string? code) =>
        log.WriteAsync(
            new AccessLogEntry
            {
                At = clock.GetUtcNow().UtcDateTime,
                PersonId = account?.Id,
                OrganisationId = account?.OrganisationId,
                OperationType = "sign-in",
                DurationMs = 0,
                Outcome = code is null ? AccessOutcome.Allowed : AccessOutcome.Refused,
                ErrorCodes = code,
            },
            CancellationToken.None);

    private static IResult NotALocalPage(HttpContext http) =>
        Page(http, "Sign in", """
            <h1>Sign in to PartnerGraph</h1>
            <p class="problem" role="alert">The page to return to after sign-in is not a page of this server.</p>
            <p>Open the <a href="/graphql">IDE</a> or <a href="/account/token">your token page</a> and sign in from there.</p>
            """, StatusCodes.Status400BadRequest);

    private static async Task<IResult> LogoutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return Results.BadRequest();
        }

        await http.SignOutAsync(AnalystCookie.Scheme);
        return Results.Redirect("/account/login");
    }

    private static IResult TokenPage(HttpContext http) =>
        Page(http, "Your access token", $"""
            <h1>Your access token</h1>
            <p id="status">Getting a token for you…</p>
            <div id="result" hidden>
              <p>Valid until <strong id="expires"></strong> (UTC). Paste it into Banana Cake Pop:
                 <em>Connection Settings → Authentication → Bearer</em>, or send it as <code>Authorization: Bearer …</code>.</p>
              <p><textarea id="token" readonly rows="6" aria-label="access token"></textarea></p>
              <p><button type="button" id="copy">Copy token</button> <span id="copied" hidden>Copied.</span></p>
              <p>Scopes: <code id="scopes"></code></p>
              <p><a href="/graphql">Open the IDE</a></p>
            </div>
            <script src="/account/token.js" data-client-id="{IdeClient.ClientId}"></script>
            """, StatusCodes.Status200OK);

    private static IResult LoginForm(HttpContext http, IAntiforgery antiforgery, string returnUrl, string? email, string? problem, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var e = HtmlEncoder.Default;
        var message = problem is null ? "" : $"<p class=\"problem\" role=\"alert\">{e.Encode(problem)}</p>";
        return Page(http, "Sign in", $"""
            <h1>Sign in to PartnerGraph</h1>
            <p>For analysts of partner organisations. Your organisation's administrator gives you an account.</p>
            {message}
            <form method="post" action="/account/login">
              <input type="hidden" name="{e.Encode(tokens.FormFieldName)}" value="{e.Encode(tokens.RequestToken ?? "")}">
              <input type="hidden" name="returnUrl" value="{e.Encode(IsPlainLocalPath(returnUrl) ? returnUrl : "")}">
              <p><label for="email">E-mail</label><br><input id="email" name="email" type="email" autocomplete="username" required value="{e.Encode(email ?? "")}"></p>
              <p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>
              <p><button type="submit">Sign in</button></p>
            </form>
            """, status);
    }

    private static IResult Page(HttpContext http, string title, string body, int status)
    {
        AddSecurityHeaders(http.Response);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Content($"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>{HtmlEncoder.Default.Encode(title)} · PartnerGraph</title><link rel="stylesheet" href="/account/site.css"></head>
            <body><main>
            {body}
            </main></body></html>
            """, "text/html; charset=utf-8", statusCode: status);
    }

    private static IResult Asset(HttpContext http, string text, string type)
    {
        AddSecurityHeaders(http.Response);
        return Results.Text(text, type + "; charset=utf-8");
    }

    private static void AddSecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>
    /// A plain path of this server, the only place sign-in returns to: one leading '/' not followed by '/' or '\', and
    /// nothing but printable ASCII without '\' (no control, space or other Unicode character that a browser may drop or
    /// read as '/', making "//host" of it).
    /// </summary>
    public static bool IsPlainLocalPath(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && url.All(c => c is > ' ' and < '\x7f' and not '\\');
    }

    /// <param name="options">The analysts' cookie.</param>
    /// <param name="issuer">Where the login page is sent from: the configured issuer, never the request's Host.</param>
    public static void ConfigureCookie(CookieAuthenticationOptions options, Uri issuer)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Events.OnRedirectToLogin = context =>
        {
            var query = QueryString.Create(context.Options.ReturnUrlParameter, context.Properties.RedirectUri ?? "/account/token");
            context.Response.Redirect(new Uri(issuer, context.Options.LoginPath.Value!.TrimStart('/') + query).AbsoluteUri);
            return Task.CompletedTask;
        };
        options.LoginPath = "/account/login";
        options.Cookie.Name = "partnergraph-analyst";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
        options.SlidingExpiration = false;
    }
}
