namespace PartnerGraph.Client;

/// <summary>
/// The server closed the subscription's socket with a code that trying again cannot mend: the client was disabled or
/// forbidden (4403 other than an expired or revoked token), or the protocol was broken (4400, 4401, 4406, 4409, 4429, 1009).
/// </summary>
public sealed class SubscriptionClosedException : Exception
{
    /// <summary>An exception for the close code and reason the server sent.</summary>
    public SubscriptionClosedException(int closeCode, string? reason)
        : base($"The server closed the subscription with {closeCode}{(string.IsNullOrEmpty(reason) ? "" : ": " + reason)}; it is not retried.")
    {
        CloseCode = closeCode;
        Reason = reason;
    }

    /// <summary>Creates an exception with a message only.</summary>
    public SubscriptionClosedException()
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    public SubscriptionClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public SubscriptionClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The WebSocket close code (e.g. 4403).</summary>
    public int CloseCode { get; }

    /// <summary>The close reason, e.g. "Forbidden: CLIENT_DISABLED".</summary>
    public string? Reason { get; }
}
