using System.CommandLine;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Identity;

namespace PartnerGraph.Server.CommandLine;

/// <summary>Trusted documents: registering a partner's set, listing them, and restricting a client to them.</summary>
public static partial class Commands
{
    [VerbGroup]
    private static Command Documents() => Verb.Group(
        "documents",
        "Trusted documents a partner's clients may run by id (sha256:...).",
        Verb.Command("add", "Register documents the client's organisation may run by id; a file that is not GraphQL registers nothing.",
        [
            Verb.Option("client", "CLIENT", "The client whose organisation runs them.", required: true),
            Verb.Words("FILE.graphql", "The documents.", ArgumentArity.OneOrMore),
        ], AddDocumentsAsync),
        Verb.Command("list", "Registered documents and their ids (shipped ones: schema/operations).", [Verb.Option("client", "CLIENT", "Only this client's.")], ListDocumentsAsync));

    private static async Task<int> SetTrustedOnlyAsync(WebApplication app, CommandOptions options)
    {
        var clientId = options.Optional("client-id") ?? options.Positional(0) ?? throw new CommandLineException("Usage: clients trusted-only CLIENT on|off", 2);
        var only = (options.Optional("client-id") is null ? options.Positional(1) : options.Positional(0))?.ToLowerInvariant() switch
        {
            "on" => true,
            "off" => false,
            _ => throw new CommandLineException("Say on or off: clients trusted-only CLIENT on|off", 2),
        };
        await using var scope = app.Services.CreateAsyncScope();
        await Onboard(async () =>
        {
            await scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>().SetTrustedDocumentsOnlyAsync(clientId, only);
            return clientId;
        });
        Console.WriteLine(only
            ? $"Client {clientId} may now run registered documents only (within a minute for live tokens)."
            : $"Client {clientId} may now send any query again.");
        return 0;
    }

    /// <summary>Every file is read and parsed first; a file that is missing or not GraphQL registers nothing.</summary>
    private static async Task<int> AddDocumentsAsync(WebApplication app, CommandOptions options)
    {
        var clientId = options.Required("client");
        var files = Enumerable.Range(0, int.MaxValue).Select(options.Positional).TakeWhile(f => f is not null).Select(f => f!).ToList();
        if (files.Count == 0)
        {
            throw new CommandLineException("Name at least one file: documents add --client CLIENT FILE.graphql...", 2);
        }

        var documents = new List<(string Name, string Text)>();
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                throw new CommandLineException($"{file}: no such file. Nothing was registered.", 2);
            }

            var text = await File.ReadAllTextAsync(file);
            try
            {
                var document = Parser.Parse(text, new ParserOptions { MaxDepth = 128 });
                if (!document.Definitions.OfType<GraphQLOperationDefinition>().Any())
                {
                    throw new CommandLineException($"{file}: holds no operation. Nothing was registered.", 2);
                }
            }
            catch (GraphQLParserException e)
            {
                throw new CommandLineException($"{file}: not a GraphQL document ({e.Description} at line {e.Location.Line}, column {e.Location.Column}). Nothing was registered.", 2);
            }

            documents.Add((Path.GetFileName(file), text));
        }

        await using var db = await OpenAsync(app);
        var client = await db.PartnerClients.FirstOrDefaultAsync(c => c.ClientId == clientId)
            ?? throw new CommandLineException("--client-id names no client. clients list shows them.");
        var now = DateTime.UtcNow;
        foreach (var (name, text) in documents)
        {
            var id = TrustedDocument.IdOf(text);
            if (await db.TrustedDocuments.AnyAsync(d => d.OrganisationId == client.OrganisationId && d.DocumentId == id)
                || db.TrustedDocuments.Local.Any(d => d.DocumentId == id))
            {
                Console.WriteLine($"{id}  {name}  (registered already for {client.OrganisationId})");
                continue;
            }

            db.TrustedDocuments.Add(new TrustedDocument { DocumentId = id, OrganisationId = client.OrganisationId, ClientId = clientId, Name = name.Length <= 200 ? name : name[..200], Text = text, RegisteredAt = now });
            Console.WriteLine($"{id}  {name}");
        }

        await db.SaveChangesAsync();
        Console.WriteLine($"Registered for the clients of {client.OrganisationId}; send {{\"documentId\": \"sha256:...\"}} to run one.");
        return 0;
    }

    private static async Task<int> ListDocumentsAsync(WebApplication app, CommandOptions options)
    {
        var clientId = options.Optional("client");
        await using var db = await OpenAsync(app);
        var documents = await db.TrustedDocuments.Where(d => clientId == null || d.ClientId == clientId)
            .OrderBy(d => d.OrganisationId).ThenBy(d => d.Name)
            .Select(d => new { d.DocumentId, d.OrganisationId, d.ClientId, d.Name })
            .ToListAsync();
        foreach (var document in documents)
        {
            Console.WriteLine($"{document.DocumentId}  {document.OrganisationId,-28} {document.ClientId,-36} {document.Name}");
        }

        return 0;
    }
}
