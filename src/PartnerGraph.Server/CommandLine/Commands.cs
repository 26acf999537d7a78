using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Domain.Geography;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.PersonalData;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.GraphQL;
using PartnerGraph.Identity;
using PartnerGraph.Identity.Analysts;
using PartnerGraph.Server.Hosting;

namespace PartnerGraph.Server.CommandLine;

/// <summary>The verbs of the database, the schema, partners, clients, agreements, analysts and case imports.</summary>
public static partial class Commands
{
    [VerbGroup]
    private static Command Migrate() =>
        Verb.Command("migrate", "Apply migrations and load the reference geography.", [], MigrateAsync);

    [VerbGroup]
    private static Command SeedDemo() =>
        Verb.Command("seed-demo", "Migrate, then load the synthetic demo data (once).", [], SeedDemoAsync);

    [VerbGroup]
    private static Command ExportSchema() =>
        Verb.Command("export-schema", "Write schema.graphql and roles/NAME.graphql in SDL.", [Verb.Option("output", "DIR", "The folder to write into (default: schema/ of the checkout).")], ExportSchemaAsync);

    [VerbGroup]
    private static Command Partners() => Verb.Group(
        "partners",
        "Partner organisations.",
        Verb.Command("add", "Add a partner organisation.",
        [
            Verb.Option("id", "SLUG", "Its stable id: lower-case letters, digits and hyphens.", required: true),
            Verb.Option("name", "NAME", "Its English name.", required: true),
            Verb.Option("name-th", "NAME", "Its Thai name (default: the English one)."),
            Verb.Option("kind", "KIND", "GOVERNMENT, NGO, INTERNATIONAL or FOREIGN_GOVERNMENT.", required: true),
            Verb.Option("country", "CC", "ISO 3166-1 alpha-2 code (default TH)."),
            Verb.Option("provinces", "\"TH-50 TH-57\"", "The provinces it operates in."),
        ], AddPartnerAsync));

    [VerbGroup]
    private static Command Clients() => Verb.Group(
        "clients",
        "Partner systems (OAuth clients) and their scopes.",
        Verb.Command("add", "Add a partner system; a generated secret is shown once.",
        [
            Verb.Option("org", "ORG", "The organisation it belongs to.", required: true),
            Verb.Option("client-id", "ID", "Its client_id.", required: true),
            Verb.Option("scopes", "\"statistics.read ...\"", "The scopes it may ask for.", required: true),
            Verb.Option("secret", "S", "A secret of at least 32 characters (default: one is generated and shown once)."),
        ], AddClientAsync),
        Verb.Command("list", "Clients, their organisations, state and scopes (never secrets).", [], ListClientsAsync),
        Verb.Command("rotate-secret", "Replace the client's secret; the old one stops at once.",
        [
            Verb.Option("client-id", "ID", "The client.", required: true),
            Verb.Option("secret", "S", "A secret of at least 32 characters (default: one is generated and shown once)."),
        ], RotateSecretAsync),
        Verb.Command("disable", "No new token; live tokens and connections stop within Identity:ClientStatusCacheSeconds.",
            [Verb.Option("client-id", "ID", "The client.", required: true)], DisableClientAsync),
        Verb.Command("scopes", "Replace the client's scopes; live tokens lose a removed one within Identity:ClientStatusCacheSeconds.",
        [
            Verb.Option("client-id", "ID", "The client.", required: true),
            Verb.Option("scopes", "\"referrals.read ...\"", "Its scopes from now on.", required: true),
        ], SetClientScopesAsync),
        Verb.Command("trusted-only", "on: the client may run registered (trusted) documents only; off: any query again.",
        [
            Verb.Option("client-id", "ID", "The client (or give it as the first word)."),
            Verb.Words("CLIENT on|off", "The client, then on or off.", new ArgumentArity(1, 2)),
        ], SetTrustedOnlyAsync));

    [VerbGroup]
    private static Command Agreements() => Verb.Group(
        "agreements",
        "Data-sharing agreements.",
        Verb.Command("add", "Add a sharing agreement.",
        [
            Verb.Option("org", "ORG", "The organisation.", required: true),
            Verb.Option("datasets", "\"statistics referrals coverage\"", "The datasets it may see.", required: true),
            Verb.Option("granularity", "LEVEL", "NATIONAL, PROVINCE or DISTRICT.", required: true),
            Verb.Option("provinces", "\"TH-50 TH-57\"", "The provinces it covers (default: all)."),
            Verb.Option("from", "YYYY-MM-DD", "First day it is valid.", required: true),
            Verb.Option("to", "YYYY-MM-DD", "Last day it is valid.", required: true),
        ], AddAgreementAsync),
        Verb.Command("list", "The agreements.", [Verb.Option("org", "ORG", "Only this organisation's.")], ListAgreementsAsync));

    [VerbGroup]
    private static Command Users() => Verb.Group(
        "users",
        "Analysts who sign in to the IDE.",
        Verb.Command("add", "Add an analyst; a generated password is shown once.",
        [
            Verb.Option("org", "ORG", "The analyst's organisation.", required: true),
            Verb.Option("email", "E", "The analyst's e-mail address.", required: true),
            Verb.Option("password", "P", "A password (default: one is generated and shown once)."),
            Verb.Option("role", "BUNDLE", "The role bundle (default government-analyst)."),
        ], AddAnalystAsync));

    [VerbGroup]
    private static Command ImportCases() =>
        Verb.Command("import-cases", "Import case records for organisation ORG; a file with a bad row imports nothing.",
        [
            Verb.Word("FILE.csv", "The CSV file."),
            Verb.Option("org", "ORG", "The recording organisation.", required: true),
        ], ImportCasesAsync);

    private static async Task<int> MigrateAsync(WebApplication app, CommandOptions options)
    {
        await using var db = await OpenAsync(app);
        await DatabaseInitializer.MigrateAsync(db);
        Console.WriteLine("Database is up to date, reference geography loaded.");
        return 0;
    }

    private static async Task<int> SeedDemoAsync(WebApplication app, CommandOptions options)
    {
        await using var db = await OpenAsync(app);
        await DatabaseInitializer.MigrateAsync(db);
        await DemoSeeding.SeedAsync(db, DemoSeeding.Options(app.Configuration), Console.Out);
        return 0;
    }

    private static async Task<int> ExportSchemaAsync(WebApplication app, CommandOptions options)
    {
        var folder = options.Optional("output") is { } output ? Path.GetFullPath(output) : Path.Combine(CheckoutRoot(), "schema");
        var schemas = app.Services.GetRequiredService<SchemaCatalogue>();
        Directory.CreateDirectory(Path.Combine(folder, "roles"));
        await Write(Path.Combine(folder, "schema.graphql"), schemas.Everything);
        foreach (var (role, scopes) in RoleBundles.All)
        {
            await Write(Path.Combine(folder, "roles", role + ".graphql"), schemas.For(scopes.ToHashSet(StringComparer.Ordinal)));
        }

        Console.WriteLine($"Schema and {RoleBundles.All.Count} role schemas written to {folder}");
        return 0;

        static Task Write(string path, ISchema schema) => File.WriteAllTextAsync(path, SchemaExport.Print(schema), new UTF8Encoding(false));
    }

    private static async Task<int> AddPartnerAsync(WebApplication app, CommandOptions options)
    {
        var id = FreeOfPersonalData("id", options.Required("id"));
        if (!Slug().IsMatch(id))
        {
            throw new CommandLineException("--id is not a slug: lower-case letters, digits and hyphens, 2 to 64 characters.", 2);
        }

        var kind = ParseEnum<OrganisationKind>(options.Required("kind"), "kind");
        var country = (options.Optional("country") ?? "TH").ToUpperInvariant();
        if (!CountryCode().IsMatch(country))
        {
            throw new CommandLineException("--country is not an ISO 3166-1 alpha-2 code such as TH or MM.", 2);
        }

        await using var db = await OpenAsync(app);
        if (await db.Organisations.AnyAsync(o => o.Id == id))
        {
            throw new CommandLineException("An organisation with that --id exists already.");
        }

        var name = FreeOfPersonalData("name", options.Required("name"));
        var nameTh = options.Optional("name-th") is { } thai ? FreeOfPersonalData("name-th", thai) : name;
        var organisation = new Organisation { Id = id, NameEn = name, NameTh = nameTh, Kind = kind, Country = country };
        foreach (var province in await ProvincesAsync(db, options))
        {
            organisation.Provinces.Add(new OrganisationProvince { OrganisationId = id, ProvinceCode = province });
        }

        db.Organisations.Add(organisation);
        await db.SaveChangesAsync();
        Console.WriteLine($"Partner {id} added ({kind}, {country}, {organisation.Provinces.Count} provinces). Next: clients add --org {id} ... and agreements add --org {id} ...");
        return 0;
    }

    private static async Task<int> AddClientAsync(WebApplication app, CommandOptions options)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>();
        var clientId = FreeOfPersonalData("client-id", options.Required("client-id"));
        var given = options.Optional("secret");
        var secret = await Onboard(() => registry.AddAsync(options.Required("org"), clientId, options.List("scopes"), given));
        Console.WriteLine($"Client {clientId} added.");
        if (given is null)
        {
            Console.WriteLine($"client_secret: {secret}\nKeep it now: it is shown once and stored only as a hash.");
        }

        return 0;
    }

    private static async Task<int> AddAnalystAsync(WebApplication app, CommandOptions options)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<AnalystDirectory>();
        var org = options.Required("org");
        var email = options.Required("email");
        var given = options.Optional("password");
        var role = options.Optional("role");
        if (AnalystDirectory.NormaliseEmail(email) is null)
        {
            throw new CommandLineException("--email is not an e-mail address.", 2);
        }

        if (role is not null && !RoleBundles.All.ContainsKey(role))
        {
            throw new CommandLineException($"--role is not one of: {string.Join(", ", RoleBundles.All.Keys)}.", 2);
        }

        var (analyst, password) = await Onboard(() => directory.AddAsync(org, email, given, role));
        var scopes = await directory.ScopesOfAsync(analyst.OrganisationId, analyst.RoleBundle);
        Console.WriteLine($"Analyst {analyst.Email} added to {org} (person {analyst.Id}, role {analyst.RoleBundle}: {string.Join(' ', scopes)}).");
        if (given is null)
        {
            Console.WriteLine($"password: {password}\nKeep it now: it is shown once and stored only as a hash.");
        }

        return 0;
    }

    private static async Task<int> ListClientsAsync(WebApplication app, CommandOptions options)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var clients = await scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>().ListAsync();
        Console.WriteLine($"{"client_id",-36} {"organisation",-28} {"state",-9} scopes");
        foreach (var client in clients)
        {
            Console.WriteLine($"{client.ClientId,-36} {client.OrganisationId,-28} {(client.Disabled ? "disabled" : "enabled"),-9} {string.Join(' ', client.Scopes)}{(client.TrustedDocumentsOnly ? "  (trusted documents only)" : "")}");
        }

        return 0;
    }

    private static async Task<int> RotateSecretAsync(WebApplication app, CommandOptions options)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var clientId = options.Required("client-id");
        var given = options.Optional("secret");
        var secret = await Onboard(() => scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>().RotateSecretAsync(clientId, given));
        Console.WriteLine(given is null ? $"New client_secret for {clientId}: {secret}\nThe old one no longer works; this one is shown once." : $"Secret of {clientId} replaced; the old one no longer works.");
        return 0;
    }

    private static async Task<int> DisableClientAsync(WebApplication app, CommandOptions options)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var clientId = options.Required("client-id");
        await Onboard(async () =>
        {
            await scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>().DisableAsync(clientId);
            return clientId;
        });
        Console.WriteLine($"Client {clientId} disabled: it gets no new token, and its live tokens and connections stop within Identity:ClientStatusCacheSeconds.");
        return 0;
    }

    private static async Task<int> SetClientScopesAsync(WebApplication app, CommandOptions options)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var clientId = options.Required("client-id");
        var scopes = options.List("scopes");
        await Onboard(async () =>
        {
            await scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>().SetScopesAsync(clientId, scopes);
            return clientId;
        });
        Console.WriteLine($"Client {clientId} now holds {string.Join(' ', scopes.Order(StringComparer.Ordinal))}: its live tokens lose any other scope within Identity:ClientStatusCacheSeconds; a new scope needs a new token.");
        return 0;
    }

    private static async Task<int> AddAgreementAsync(WebApplication app, CommandOptions options)
    {
        var org = options.Required("org");
        var datasets = SharedDatasets.None;
        foreach (var word in options.List("datasets"))
        {
            datasets |= ParseEnum<SharedDatasets>(word, "datasets");
        }

        if (datasets == SharedDatasets.None)
        {
            throw new CommandLineException("--datasets needs at least one of: statistics referrals coverage.", 2);
        }

        var granularity = ParseEnum<GeographicLevel>(options.Required("granularity"), "granularity");
        var from = ParseDate(options.Required("from"), "from");
        var to = ParseDate(options.Required("to"), "to");
        if (from > to)
        {
            throw new CommandLineException($"--from {from:yyyy-MM-dd} is after --to {to:yyyy-MM-dd}.", 2);
        }

        await using var db = await OpenAsync(app);
        if (!await db.Organisations.AnyAsync(o => o.Id == org))
        {
            throw new CommandLineException("--org names no organisation. Add it first with partners add.");
        }

        var agreement = new SharingAgreement { OrganisationId = org, Datasets = datasets, Granularity = granularity, ValidFrom = from, ValidTo = to };
        agreement.ProvinceCodes.AddRange(await ProvincesAsync(db, options));
        db.SharingAgreements.Add(agreement);
        await db.SaveChangesAsync();
        Console.WriteLine($"Agreement {agreement.Id} added for {org}: {Describe(agreement)}");
        return 0;
    }

    private static async Task<int> ListAgreementsAsync(WebApplication app, CommandOptions options)
    {
        var org = options.Optional("org");
        await using var db = await OpenAsync(app);
        var agreements = await db.SharingAgreements.Where(a => org == null || a.OrganisationId == org).OrderBy(a => a.OrganisationId).ThenBy(a => a.Id).ToListAsync();
        foreach (var agreement in agreements)
        {
            Console.WriteLine($"{agreement.Id,5} {agreement.OrganisationId,-28} {Describe(agreement)}");
        }

        return 0;
    }

    private static Task<int> ImportCasesAsync(WebApplication app, CommandOptions options)
    {
        var org = options.Required("org");
        var file = options.Positional(0) ?? throw new CommandLineException("import-cases needs the file: import-cases FILE.csv --org ORG", 2);
        return CaseImport.RunAsync(app, Path.GetFullPath(file), org);
    }

    private static string Describe(SharingAgreement a) =>
        string.Create(CultureInfo.InvariantCulture, $"{a.Datasets.ToString().ToLowerInvariant().Replace(",", "", StringComparison.Ordinal)} at {a.Granularity.ToString().ToUpperInvariant()} for {(a.ProvinceCodes.Count == 0 ? "all provinces" : string.Join(' ', a.ProvinceCodes.Select(p => "TH-" + p)))}, {a.ValidFrom:yyyy-MM-dd} to {a.ValidTo:yyyy-MM-dd}");

    /// <summary>The --provinces option as DOPA codes of provinces that exist.</summary>
    private static async Task<List<string>> ProvincesAsync(PartnerGraphDbContext db, CommandOptions options)
    {
        var codes = new List<string>();
        foreach (var text in options.List("provinces"))
        {
            if (!ProvinceCode.TryNormalise(text, out var code) || !await db.Provinces.AnyAsync(p => p.Code == code))
            {
                throw new CommandLineException("--provinces holds something that is no province code; use TH-50 or 50 (see the provinces query).", 2);
            }

            codes.Add(code);
        }

        return codes.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>An option whose text is stored and shown to partners: refused (exit code 2) when it looks like personal data.</summary>
    private static string FreeOfPersonalData(string option, string text) =>
        PersonalDataGuard.Find(text) is { } kind
            ? throw new CommandLineException($"--{option} holds what looks like {PersonalDataGuard.Describe(kind)}; nothing that could identify a person may be stored: change it.", 2)
            : text;

    private static T ParseEnum<T>(string text, string option)
        where T : struct, Enum =>
        Enum.TryParse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var value) && Enum.IsDefined(value)
            ? value
            : throw new CommandLineException($"--{option} is not one of: {string.Join(", ", Enum.GetNames<T>().Where(n => n != "None").Select(n => n.ToUpperInvariant()))}.", 2);

    private static DateOnly ParseDate(string text, string option) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new CommandLineException($"--{option} is not a date of the form YYYY-MM-DD.", 2);

    private static async Task<T> Onboard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (OnboardingException e)
        {
            throw new CommandLineException(e.Message);
        }
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

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,63}$")]
    private static partial Regex Slug();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex CountryCode();
}
