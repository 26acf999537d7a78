using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace PartnerGraph.Data;

/// <summary>
/// The writers' turn across processes for one SQLite file: an exclusive flock on a file beside it (the database's
/// name with "-writer"), which the kernel hands to the next process the moment it is let go, where SQLite's busy
/// handler would poll in sleeps of up to 100 ms and let one busy instance starve the other. Linux only (elsewhere
/// SQLite's busy handler alone). The file is opened for each turn and closed after it, which also ends its lock.
/// A turn that must wait is waited for on a thread of this lock's own, so that callers can give up after a time.
/// </summary>
internal sealed partial class WriterFileLock(string databasePath)
{
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int ReadWrite = 2;
    private const int Create = 0x40;
    private const int CloseOnExec = 0x80000;
    private const int Interrupted = 4;
    private const int OwnerAndGroupReadWrite = 0b110_110_000;

    private readonly string path = databasePath + "-writer";
    private readonly BlockingCollection<Acquisition> waiting = [];
    private readonly Lock gate = new();
    private Thread? waiter;

    public static WriterFileLock? For(string databasePath) => OperatingSystem.IsLinux() ? new WriterFileLock(databasePath) : null;

    /// <summary>A turn, granted now or later; null when the lock file cannot be had (its folder gone, no libc).</summary>
    public Acquisition? Acquire()
    {
        int fd;
        try
        {
            fd = Open(path, ReadWrite | Create | CloseOnExec, OwnerAndGroupReadWrite);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }

        if (fd < 0)
        {
            return null;
        }

        var acquisition = new Acquisition(fd);
        try
        {
            if (Flock(fd, LockExclusive | LockNonBlocking) == 0)
            {
                acquisition.Grant();
                return acquisition;
            }

            lock (gate)
            {
                if (waiter is null)
                {
                    waiter = new Thread(WaitForTurns) { IsBackground = true, Name = "SQLite writer lock" };
                    waiter.Start();
                }
            }

            waiting.Add(acquisition);
            return acquisition;
        }
        catch
        {
            acquisition.Release();
            throw;
        }
    }

    private void WaitForTurns()
    {
        foreach (var acquisition in waiting.GetConsumingEnumerable())
        {
            int result;
            do
            {
                result = Flock(acquisition.Descriptor, LockExclusive);
            }
            while (result != 0 && Marshal.GetLastPInvokeError() == Interrupted);

            if (result != 0)
            {
                acquisition.Fail(new IOException($"flock failed on {path}: errno {Marshal.GetLastPInvokeError()}"));
            }
            else if (!acquisition.Grant())
            {
                acquisition.Release(); // its writer gave up waiting
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>One writer's turn: granted (or failed) once; released by closing its descriptor, once.</summary>
    public sealed class Acquisition(int descriptor)
    {
        private readonly TaskCompletionSource granted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int released;

        public Task Granted => granted.Task;

        internal int Descriptor => descriptor;

        /// <summary>
        /// The writer stops waiting (the waiting thread lets the lock go when it comes); false when the turn was
        /// granted first, and is then the writer's to release.
        /// </summary>
        public bool Abandon() => granted.TrySetCanceled();

        public void Release()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                _ = Close(descriptor);
            }
        }

        internal bool Grant() => granted.TrySetResult();

        internal void Fail(Exception error)
        {
            granted.TrySetException(error);
            Release();
        }
    }
}
