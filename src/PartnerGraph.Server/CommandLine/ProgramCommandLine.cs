using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace PartnerGraph.Server.CommandLine;

/// <summary>
/// The program's command line, `PartnerGraph.Server [VERB] [options]`, parsed by System.CommandLine before anything is
/// built. No verb serves; a verb runs one task against the configured database and exits. --help and VERB --help print
/// usage and exit 0; a word or an option the program does not know is an error (exit code 2), never a server start.
/// The host's settings go to the host: --urls, --environment, and configuration keys as --Section:Key VALUE or
/// --Key=VALUE.
/// </summary>
public sealed class ProgramCommandLine
{
    public const int UsageError = 2;

    private static readonly Option<string> Urls = new("--urls")
    {
        HelpName = "URLS",
        Description = "Where to listen, e.g. http://0.0.0.0:8080 (before Urls, ASPNETCORE_URLS and ASPNETCORE_HTTP_PORTS; default http://localhost:5080).",
        Recursive = true,
    };

    private static readonly Option<string> Environment = new("--environment")
    {
        HelpName = "NAME",
        Description = "The host environment, e.g. Development (default: ASPNETCORE_ENVIRONMENT, else Production).",
        Recursive = true,
    };

    // What WebApplicationFactory (and other hosts of the program) pass as --key=value: given to the host, not shown.
    private static readonly Option<string> ApplicationName = new("--applicationName") { Hidden = true, Recursive = true };
    private static readonly Option<string> ContentRoot = new("--contentRoot") { Hidden = true, Recursive = true };

    private static readonly Option<string>[] HostOptions = [Urls, Environment, ApplicationName, ContentRoot];

    private ProgramCommandLine(int? exitCode, Verb? verb, string[] hostArgs)
    {
        ExitCode = exitCode;
        Verb = verb;
        HostArgs = hostArgs;
    }

    /// <summary>Set when the command line is answered already (help, version, an error): the program exits with it.</summary>
    public int? ExitCode { get; }

    /// <summary>The verb to run on the host; null (and no <see cref="ExitCode"/>) to serve.</summary>
    public Verb? Verb { get; }

    /// <summary>The arguments for the host's configuration (--urls, --environment, --Section:Key).</summary>
    public string[] HostArgs { get; }

    public static ProgramCommandLine Parse(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = Root();
        var (settings, words) = SplitSettings(args, OptionNames(root));
        var parsed = root.Parse(words, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var host = new List<string>(settings);
        foreach (var option in HostOptions)
        {
            if (parsed.GetValue(option) is { } value)
            {
                host.Add(option.Name);
                host.Add(value);
            }
        }

        switch (parsed.Action)
        {
            case VerbAction verb when parsed.Errors.Count == 0:
                return new ProgramCommandLine(null, new Verb(verb, Verb.OptionsOf(parsed)), [.. host]);
            case ServeAction when parsed.Errors.Count == 0:
                return new ProgramCommandLine(null, null, [.. host]);
            case null or VerbAction or ServeAction or ParseErrorAction:
                foreach (var problem in parsed.Errors)
                {
                    error.WriteLine(problem.Message);
                }

                error.WriteLine($"Usage: {string.Join(' ', Path(parsed.CommandResult.Command))} --help");
                return new ProgramCommandLine(UsageError, null, []);
            default:
                // --help, --version: printed, and nothing else happens.
                return new ProgramCommandLine(parsed.Invoke(new InvocationConfiguration { Output = output, Error = error }), null, []);
        }
    }

    /// <summary>Every verb and group of the program, each declared by a [VerbGroup] method beside its code.</summary>
    public static RootCommand Root()
    {
        var root = new RootCommand(
            "PartnerGraph: with no command it serves GraphQL at /graphql (see README); a command runs one task against the configured database and exits.\n" +
            "Configuration keys may also be given as --Section:Key VALUE or --Key=VALUE, e.g. --ConnectionStrings:PartnerGraph \"Data Source=data/partnergraph.db\".")
        {
            Action = new ServeAction(),
        };
        foreach (var option in HostOptions)
        {
            root.Options.Add(option);
        }

        foreach (var command in Groups())
        {
            if (root.Subcommands.Any(c => c.Name == command.Name))
            {
                throw new InvalidOperationException($"Two [VerbGroup] methods declare the command '{command.Name}'.");
            }

            root.Subcommands.Add(command);
        }

        return root;
    }

    private static IEnumerable<Command> Groups() =>
        typeof(ProgramCommandLine).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(m => m.IsDefined(typeof(VerbGroupAttribute)))
            .Select(m => m.GetParameters().Length == 0 && m.Invoke(null, null) is Command command
                ? command
                : throw new InvalidOperationException($"[VerbGroup] {m.DeclaringType?.Name}.{m.Name} must take nothing and return a Command."))
            .OrderBy(c => c.Name, StringComparer.Ordinal);

    /// <summary>
    /// Configuration keys go to the host untouched: one with a section (--Section:Key VALUE, --Section:Key=VALUE), or any
    /// --Key=VALUE that names no option of the program (as WebApplicationFactory passes its host settings).
    /// </summary>
    private static (List<string> Settings, List<string> Words) SplitSettings(string[] args, HashSet<string> options)
    {
        var settings = new List<string>();
        var words = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? arg : arg[..equals];
            if (arg.StartsWith("--", StringComparison.Ordinal) && (key.Contains(':', StringComparison.Ordinal) || (equals > 2 && !options.Contains(key))))
            {
                settings.Add(arg);
                if (equals < 0 && i + 1 < args.Length)
                {
                    settings.Add(args[++i]);
                }
            }
            else
            {
                words.Add(arg);
            }
        }

        return (settings, words);
    }

    private static HashSet<string> OptionNames(Command command)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in command.Options)
        {
            names.Add(option.Name);
            names.UnionWith(option.Aliases);
        }

        foreach (var subcommand in command.Subcommands)
        {
            names.UnionWith(OptionNames(subcommand));
        }

        return names;
    }

    private static List<string> Path(Command command)
    {
        var names = new List<string>();
        for (var symbol = (Symbol?)command; symbol is Command c; symbol = c.Parents.FirstOrDefault())
        {
            names.Insert(0, c is RootCommand ? "PartnerGraph.Server" : c.Name);
        }

        return names;
    }

    /// <summary>No verb: the program serves (Program.cs does it, with the host built from <see cref="HostArgs"/>).</summary>
    private sealed class ServeAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult) =>
            throw new InvalidOperationException("The program serves on the host it builds: use ProgramCommandLine.");
    }
}
