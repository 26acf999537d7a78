namespace PartnerGraph.Server.CommandLine;

/// <summary>
/// The program's command line: `PartnerGraph.Server COMMAND [options]` runs one task against the configured
/// database and exits; with no command it serves. A command's own options are the ones it declares; every other
/// argument (--urls, --environment, --ConnectionStrings:PartnerGraph ...) passes through to the host.
/// </summary>
public sealed class Verb
{
    private readonly Command command;
    private readonly CommandOptions options;

    private Verb(Command command, CommandOptions options)
    {
        this.command = command;
        this.options = options;
    }

    /// <summary>Splits the command and its own options from the host's arguments; a word that is no command is kept for the error.</summary>
    public static (Verb? Verb, string[] HostArgs) Split(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            return (null, args);
        }

        var words = args.Length > 1 && !args[1].StartsWith('-') ? 2 : 1;
        var name = string.Join(' ', args.Take(words));
        var all = Commands.All.Concat(Commands.Webhooks).ToList();
        var command = all.FirstOrDefault(c => c.Name == name) ?? all.FirstOrDefault(c => c.Name == args[0]) ?? Commands.Unknown(name);
        words = command.Name.Count(ch => ch == ' ') + 1;

        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        var positional = new List<string>();
        var host = new List<string>();
        for (var i = words; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(args[i]);
            }
            else if (command.Options.Contains(args[i][2..]) && i + 1 < args.Length)
            {
                own[args[i][2..]] = args[++i];
            }
            else
            {
                // A host option keeps its value with it: --urls http://... or --Key=value.
                host.Add(args[i]);
                if (!args[i].Contains('=', StringComparison.Ordinal) && i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    host.Add(args[++i]);
                }
            }
        }

        return (new Verb(command, new CommandOptions(own, positional)), host.ToArray());
    }

    public async Task<int> RunAsync(WebApplication app)
    {
        try
        {
            return await command.Run(app, options);
        }
        catch (CommandLineException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return e.ExitCode;
        }
    }
}

/// <summary>A command's options by name, and its positional arguments (such as a file).</summary>
public sealed class CommandOptions(Dictionary<string, string> values, IReadOnlyList<string> positional)
{
    public string? Positional(int index) => index < positional.Count ? positional[index] : null;

    public string? Optional(string name) => values.GetValueOrDefault(name);

    public string Required(string name) =>
        values.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : throw new CommandLineException($"--{name} is required.", 2);

    /// <summary>A space- or comma-separated list.</summary>
    public IReadOnlyList<string> List(string name) =>
        (Optional(name) ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

/// <summary>A command that cannot run as given: the message says what to do; exit code 2 for usage, 1 for refusals.</summary>
public sealed class CommandLineException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
