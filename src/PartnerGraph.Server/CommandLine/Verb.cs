using System.Text;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.GraphQL;
using PartnerGraph.Server.Hosting;

namespace PartnerGraph.Server.CommandLine;

/// <summary>
/// The program's command line: `PartnerGraph.Server VERB [options]` runs one task against the configured database
/// and exits; with no verb it serves. Host options (--urls, --environment, --ConnectionStrings:PartnerGraph ...)
/// pass through to the host either way.
/// </summary>
public sealed class Verb
{
    private static readonly Dictionary<string, (string Usage, Func<WebApplication, Verb, Task<int>> Run)> Verbs = new(StringComparer.Ordinal)
    {
        ["migrate"] = ("migrate                      apply migrations and load the reference geography", MigrateAsync),
        ["seed-demo"] = ("seed-demo                    migrate, then load the synthetic demo data (once)", SeedDemoAsync),
        ["export-schema"] = ("export-schema [--output F]   write the schema in SDL (default schema/schema.graphql)", ExportSchemaAsync),
    };

    private readonly Dictionary<string, string> options;

    private Verb(string name, Dictionary<string, string> options)
    {
        Name = name;
        this.options = options;
    }

    public string Name { get; }

    /// <summary>Splits the verb and its own options from the host's arguments.</summary>
    public static (Verb? Verb, string[] HostArgs) Split(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return (null, args);
        }

        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        var host = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--output" && i + 1 < args.Length)
            {
                own["output"] = args[++i];
            }
            else
            {
                host.Add(args[i]);
            }
        }

        return (new Verb(args[0], own), host.ToArray());
    }

    public async Task<int> RunAsync(WebApplication app)
    {
        if (!Verbs.TryGetValue(Name, out var verb))
        {
            await Console.Error.WriteLineAsync($"Unknown command '{Name}'. Commands:\n{Usage()}");
            return 2;
        }

        return await verb.Run(app, this);
    }

    public static string Usage() => string.Join('\n', Verbs.Values.Select(v => "  " + v.Usage));

    private static async Task<int> MigrateAsync(WebApplication app, Verb verb)
    {
        await using var db = await OpenAsync(app);
        await DatabaseInitializer.MigrateAsync(db);
        Console.WriteLine("Database is up to date, reference geography loaded.");
        return 0;
    }

    private static async Task<int> SeedDemoAsync(WebApplication app, Verb verb)
    {
        await using var db = await OpenAsync(app);
        await DatabaseInitializer.MigrateAsync(db);
        await DemoSeeding.SeedAsync(db, DemoSeeding.Options(app.Configuration), Console.Out);
        return 0;
    }

    private static async Task<int> ExportSchemaAsync(WebApplication app, Verb verb)
    {
        var path = verb.options.TryGetValue("output", out var output) ? Path.GetFullPath(output) : Path.Combine(CheckoutRoot(), "schema", "schema.graphql");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, SchemaExport.Print(app.Services.GetRequiredService<ISchema>()), new UTF8Encoding(false));
        Console.WriteLine($"Schema written to {path}");
        return 0;
    }

    /// <summary>The checkout holding this program (dotnet run starts it in the project folder), else the current folder.</summary>
    private static string CheckoutRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PartnerGraph.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private static Task<PartnerGraphDbContext> OpenAsync(WebApplication app) =>
        app.Services.GetRequiredService<IDbContextFactory<PartnerGraphDbContext>>().CreateDbContextAsync();
}
