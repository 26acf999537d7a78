namespace PartnerGraph.GraphQL.Transport.WebSockets;

/// <summary>The graphql-transport-ws protocol (the graphql-ws library's PROTOCOL.md): its sub-protocol, message types and close codes, each named once.</summary>
public static class GraphQLWsProtocol
{
    public const string SubProtocol = "graphql-transport-ws";

    public static class MessageType
    {
        public const string ConnectionInit = "connection_init";
        public const string ConnectionAck = "connection_ack";
        public const string Ping = "ping";
        public const string Pong = "pong";
        public const string Subscribe = "subscribe";
        public const string Next = "next";
        public const string Error = "error";
        public const string Complete = "complete";
    }

    public static class CloseCode
    {
        public const int BadRequest = 4400;
        public const int Unauthorized = 4401;
        public const int Forbidden = 4403;
        public const int SubprotocolNotAcceptable = 4406;
        public const int ConnectionInitialisationTimeout = 4408;
        public const int SubscriberAlreadyExists = 4409;
        public const int TooManyInitialisationRequests = 4429;
        public const int InternalServerError = 4500;
        public const int PolicyViolation = 1008;
        public const int MessageTooBig = 1009;
        public const int TryAgainLater = 1013;
    }
}

public sealed class GraphQLWsOptions
{
    public const string Section = "GraphQL:WebSockets";

    /// <summary>How long a socket may stay open without connection_init (then 4408).</summary>
    public double ConnectionInitTimeoutSeconds { get; set; } = 10;

    /// <summary>How often the server pings an idle connection; 0 turns it off.</summary>
    public double KeepAliveSeconds { get; set; } = 15;

    /// <summary>The largest message the server reads (then 1009).</summary>
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// <summary>How many operations one connection may run at once (then 4400).</summary>
    public int MaxOperations { get; set; } = 100;

    /// <summary>
    /// The shortest time between two writes of one subscription's events, in milliseconds: events that come sooner wait
    /// and go out together in one write (the first after a quiet spell goes at once); 0 writes each as it comes.
    /// </summary>
    public double SendIntervalMilliseconds { get; set; } = 50;
}
