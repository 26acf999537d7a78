using PartnerGraph.Server.CommandLine;
using PartnerGraph.Server.Hosting;

var commandLine = ProgramCommandLine.Parse(args);
if (commandLine.ExitCode is { } answered)
{
    return answered;
}

var builder = WebApplication.CreateBuilder(commandLine.HostArgs);
builder.AddPartnerGraph();
var app = builder.Build();

if (commandLine.Verb is { } verb)
{
    return await verb.RunAsync(app);
}

await app.PrepareDatabaseAsync();
app.MapPartnerGraph();
await app.RunAsync();
return 0;

/// <summary>The entry point, named so that tests can host it.</summary>
public partial class Program;
