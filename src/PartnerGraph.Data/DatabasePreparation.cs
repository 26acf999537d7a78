using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PartnerGraph.Data;

/// <summary>
/// The server's hold on the database while it waits for one it could not reach at start: until the database has been
/// prepared (migrated, its reference data and clients checked), every connection but the preparation's own is refused
/// as unavailable, so requests answer 503 DATABASE_UNAVAILABLE by the same paths as an outage and nothing runs on a
/// database that is not yet migrated. Open unless the server sets it waiting, so tools and tests are never held.
/// </summary>
public sealed class DatabasePreparation : DbConnectionInterceptor
{
    private static readonly AsyncLocal<bool> Preparing = new();
    private volatile bool waiting;

    /// <summary>True from a failed preparation at start until one succeeds.</summary>
    public bool IsWaiting => waiting;

    public void Wait() => waiting = true;

    public void Done() => waiting = false;

    /// <summary>The preparation's own connections (this async flow) pass while the others are held.</summary>
    public static IDisposable PreparingScope()
    {
        Preparing.Value = true;
        return new EndScope();
    }

    public override InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Check();
        return result;
    }

    public override ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        Check();
        return ValueTask.FromResult(result);
    }

    private void Check()
    {
        if (waiting && !Preparing.Value)
        {
            throw new DatabaseNotPreparedException();
        }
    }

    private sealed class EndScope : IDisposable
    {
        public void Dispose() => Preparing.Value = false;
    }
}

/// <summary>A connection refused because the database has not been prepared since the server started without it.</summary>
public sealed class DatabaseNotPreparedException() : Exception("The database was unavailable when the server started and has not been prepared yet.");
