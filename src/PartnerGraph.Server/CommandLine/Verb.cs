using System.CommandLine;
using System.CommandLine.Invocation;

namespace PartnerGraph.Server.CommandLine;

/// <summary>
/// Marks a static method that returns one top-level command (a verb, or a group of verbs such as clients) with no
/// parameter. <see cref="ProgramCommandLine"/> finds every such method in the program, so a new group is one new file.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class VerbGroupAttribute : Attribute;

/// <summary>A verb as parsed: its task, and its own options and arguments. It runs on the host built from the rest.</summary>
public sealed class Verb
{
    private readonly VerbAction action;
    private readonly CommandOptions options;

    internal Verb(VerbAction action, CommandOptions options)
    {
        this.action = action;
        this.options = options;
    }

    /// <summary>A verb: its options are strings by name (<see cref="Option"/>), its arguments positional (<see cref="Words"/>).</summary>
    public static Command Command(string name, string description, IEnumerable<Symbol> symbols, Func<WebApplication, CommandOptions, Task<int>> run)
    {
        var command = new Command(name, description) { Action = new VerbAction(run) };
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option:
                    command.Options.Add(option);
                    break;
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                default:
                    throw new ArgumentException($"{symbol.Name} is neither an option nor an argument.", nameof(symbols));
            }
        }

        return command;
    }

    /// <summary>A group of verbs under one word (clients add, clients list ...); the word alone is an error.</summary>
    public static Command Group(string name, string description, params Command[] verbs)
    {
        var group = new Command(name, description);
        foreach (var verb in verbs)
        {
            group.Subcommands.Add(verb);
        }

        return group;
    }

    /// <summary>An option with one value, --name VALUE.</summary>
    public static Option<string> Option(string name, string valueName, string description, bool required = false) =>
        new("--" + name) { HelpName = valueName, Description = description, Required = required };

    /// <summary>One positional word that must be there (a file).</summary>
    public static Argument<string> Word(string name, string description) => new(name) { Description = description };

    /// <summary>Positional words (a file, several files, CLIENT on|off), from min to max of them.</summary>
    public static Argument<string[]> Words(string name, string description, ArgumentArity arity) =>
        new(name) { Description = description, Arity = arity };

    public async Task<int> RunAsync(WebApplication app)
    {
        try
        {
            return await action.Run(app, options);
        }
        catch (CommandLineException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return e.ExitCode;
        }
    }

    /// <summary>The verb's own options and words from what was parsed.</summary>
    internal static CommandOptions OptionsOf(ParseResult parsed)
    {
        var command = parsed.CommandResult.Command;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in command.Options.OfType<Option<string>>())
        {
            if (parsed.GetValue(option) is { } value)
            {
                values[option.Name.TrimStart('-')] = value;
            }
        }

        var positional = new List<string>();
        foreach (var argument in command.Arguments)
        {
            switch (parsed.GetResult(argument)?.GetValueOrDefault<object?>())
            {
                case string word:
                    positional.Add(word);
                    break;
                case string[] words:
                    positional.AddRange(words);
                    break;
            }
        }

        return new CommandOptions(values, positional);
    }
}

/// <summary>What a verb does once the host is built; the program runs it (see <see cref="ProgramCommandLine"/>), never the parser.</summary>
internal sealed class VerbAction(Func<WebApplication, CommandOptions, Task<int>> run) : AsynchronousCommandLineAction
{
    public Func<WebApplication, CommandOptions, Task<int>> Run { get; } = run;

    public override Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("A verb runs on the host the program builds: use ProgramCommandLine.");
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
