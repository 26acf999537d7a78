using System.Globalization;

namespace PartnerGraph.Client.Subscriptions;

/// <summary>
/// The last sequence in a small text file, written atomically: the new value goes to a temporary file beside it, is
/// flushed to disk, and is renamed over the old one, so a crash at any moment leaves the old value or the new one,
/// never a torn file. One file per subscription, one process at a time.
/// </summary>
public sealed class FileSequenceStore : ISequenceStore
{
    /// <summary>A store in the file at path (made with its folder on the first save).</summary>
    public FileSequenceStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public async ValueTask<long?> LoadAsync(CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : throw new InvalidDataException($"{Path} does not hold a sequence number; fix or remove it (removing it replays from the subscription's start).");
    }

    /// <inheritdoc/>
    public async ValueTask SaveAsync(long sequence, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temporary = $"{Path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64, FileOptions.Asynchronous))
            {
                await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes(sequence.ToString(CultureInfo.InvariantCulture) + "\n"), cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
