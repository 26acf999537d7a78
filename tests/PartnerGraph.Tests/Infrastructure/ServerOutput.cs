using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>
/// What the servers and processes of a test print (their logs, console lines and output), kept in memory and shown
/// under the test's name only when it fails: a passing run prints none of it. Each test has a scope inside its class's
/// (where the class fixture's servers write) and its collection's; <see cref="QuietTestFramework"/> opens them and adds
/// them to a failed test's output.
/// </summary>
public sealed class ServerOutput
{
    /// <summary>Lines kept per scope; older ones are dropped and counted (a long-lived fixture server can print a lot).</summary>
    private const int MaxLines = 2_000;

    private static readonly AsyncLocal<ServerOutput?> CurrentScope = new();
    private readonly Queue<string> lines = new();
    private readonly string name;
    private int dropped;

    private ServerOutput(string name, ServerOutput? parent)
    {
        this.name = name;
        Parent = parent;
    }

    /// <summary>The scope of the test, class or collection running now; null outside any (then lines are dropped).</summary>
    public static ServerOutput? Current => CurrentScope.Value;

    public ServerOutput? Parent { get; }

    /// <summary>
    /// Opens a scope inside the one given and makes it current for the caller's asynchronous flow (and everything it
    /// starts from now on) until that flow's async method returns.
    /// </summary>
    internal static ServerOutput Open(string name, ServerOutput? parent)
    {
        var scope = new ServerOutput(name, parent);
        CurrentScope.Value = scope;
        return scope;
    }

    /// <summary>A writer into the scope current now, for a server or process that outlives this call: the lines it writes later still land here.</summary>
    public static Action<string> Writer(string source)
    {
        var scope = Current;
        return line => scope?.Add(source, line);
    }

    /// <summary>A logger provider that writes into the scope current now, one entry per line set.</summary>
    public static ILoggerProvider LoggerProvider(string source) => new CapturingLoggerProvider(Writer(source));

    public void Add(string source, string line)
    {
        var stamped = $"{DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} [{source}] {line}";
        lock (lines)
        {
            lines.Enqueue(stamped);
            if (lines.Count > MaxLines)
            {
                lines.Dequeue();
                dropped++;
            }
        }
    }

    /// <summary>This scope's lines and those of the scopes around it, innermost first, each under a heading; empty when none printed anything.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            lock (scope.lines)
            {
                if (scope.lines.Count == 0)
                {
                    continue;
                }

                text.Append(CultureInfo.InvariantCulture, $"----- printed by the servers and processes of {scope.name}");
                text.AppendLine(scope.dropped > 0 ? $" (the last {MaxLines} lines; {scope.dropped} before them dropped) -----" : " -----");
                foreach (var line in scope.lines)
                {
                    text.AppendLine(line);
                }
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Console.Out and Console.Error of the test process: each line goes to the scope current where it ends. Lines
    /// are short and written whole by the servers, so one buffer for partial lines is enough.
    /// </summary>
    internal sealed class ConsoleWriter(string source) : TextWriter
    {
        private readonly StringBuilder partial = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (partial)
            {
                if (value == '\n')
                {
                    EndLine();
                }
                else
                {
                    partial.Append(value);
                }
            }
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? "")
            {
                Write(c);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (partial)
            {
                partial.Append(value);
                EndLine();
            }
        }

        private void EndLine()
        {
            Current?.Add(source, partial.ToString().TrimEnd('\r'));
            partial.Clear();
        }
    }

    private sealed class CapturingLoggerProvider(Action<string> write) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, write);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, Action<string> write) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            write($"{logLevel} {category}[{eventId.Id}]: {formatter(state, exception)}");
            if (exception is not null)
            {
                write(exception.ToString());
            }
        }
    }
}
