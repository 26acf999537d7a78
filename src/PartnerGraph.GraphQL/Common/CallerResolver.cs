using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// The one place that turns a request's credentials into a Caller. Until partner tokens exist, the API is open in
/// Development only; everywhere else a request has no caller and is refused.
/// </summary>
public sealed class CallerResolver(IHostEnvironment environment)
{
    public Caller? Resolve(HttpContext http) => environment.IsDevelopment() ? Caller.Development : null;
}
