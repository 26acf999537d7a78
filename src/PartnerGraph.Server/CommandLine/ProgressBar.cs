using System.Globalization;
using PartnerGraph.Data.Demo;

namespace PartnerGraph.Server.CommandLine;

/// <summary>
/// A one-line progress bar on a terminal; where the output is a file or a pipe, one line per stage instead,
/// so logs stay readable.
/// </summary>
public sealed class ProgressBar(TextWriter output, bool? interactive = null) : IProgress<DemoSeedProgress>, IDisposable
{
    private const int Width = 30;
    private readonly bool interactive = interactive ?? !Console.IsOutputRedirected;
    private readonly Lock gate = new();
    private string? stage;

    public void Report(DemoSeedProgress value) => Report(value.Stage, value.Done, value.Total);

    public void Report(string currentStage, long done, long total)
    {
        lock (gate)
        {
            if (interactive)
            {
                var fraction = total <= 0 ? 1 : Math.Clamp((double)done / total, 0, 1);
                var filled = (int)Math.Round(fraction * Width);
                output.Write(string.Create(CultureInfo.InvariantCulture, $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {fraction,4:P0} {currentStage,-12} {done,10:N0}/{total:N0}  "));
            }
            else if (done >= total && stage != currentStage)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{currentStage}: {total:N0} done"));
            }

            if (done >= total)
            {
                stage = currentStage;
            }
        }
    }

    public void Finish(string message)
    {
        lock (gate)
        {
            if (interactive)
            {
                output.WriteLine();
            }

            output.WriteLine(message);
        }
    }

    public void Dispose() => output.Flush();
}
