namespace PartnerGraph.Server.CommandLine;

/// <summary>
/// The program's command line: `PartnerGraph.Server COMMAND [options]` runs one task against the configured
/// database and exits; with no command it serves. A command's own options are the ones it declares; every other
/// argument (--urls, --environment, --ConnectionStrings:PartnerGraph ...) passes through to the host.
/// </summary>
public sealed class Verb
{
    private readonly Command command;
    private readonly Dictionary<string, string> options;

    private Verb(Command command, Dictionary<string, string> options)
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
        var command = Commands.All.FirstOrDefault(c => c.Name == name) ?? Commands.All.FirstOrDefault(c => c.Name == args[0]) ?? Commands.Unknown(name);
        words = command.Name.Count(ch => ch == ' ') + 1;

        var own = new Dictionary<string, string>(StringComparer.Ordinal);
        var host = new List<string>();
        for (var i = words; i < args.Length; i++)
        {
            var option = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (option is not null && command.Options.Contains(option) && i + 1 < args.Length)
            {
                own[option] = args[++i];
            }
            else
            {
                host.Add(args[i]);
            }
        }

        return (new Verb(command, own), host.ToArray());
    }

    public async Task<int> RunAsync(WebApplication app)
    {
        try
        {
            return await command.Run(app, new CommandOptions(options));
        }
        catch (CommandLineException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return e.ExitCode;
        }
    }
}

/// <summary>A command's options by name.</summary>
public sealed class CommandOptions(Dictionary<string, string> values)
{
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
