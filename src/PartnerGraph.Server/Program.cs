using PartnerGraph.Server.CommandLine;
using PartnerGraph.Server.Hosting;

var (verb, options) = Verb.Split(args);
var builder = WebApplication.CreateBuilder(options);
builder.AddPartnerGraph();
var app = builder.Build();

if (verb is not null)
{
    return await verb.RunAsync(app);
}

await app.PrepareDatabaseAsync();
app.MapPartnerGraph();
await app.RunAsync();
return 0;

/// <summary>The entry point, named so that tests can host it.</summary>
public partial class Program;
