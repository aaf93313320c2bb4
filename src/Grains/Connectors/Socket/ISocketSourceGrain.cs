namespace Sluice.Connectors.Socket;

/// <summary>One line a socket source received: its text and when it arrived (epoch ms).</summary>
[GenerateSerializer, Immutable, Alias("sluice.SocketLine")]
internal sealed record SocketLine([property: Id(0)] string Value, [property: Id(1)] long ReceivedMs);

/// <summary>
/// The connection of one socket source of one query (key: <c>&lt;query id&gt;|&lt;source index&gt;</c>): it reads lines
/// into memory as they arrive; offsets count lines since the query started. Nothing is kept anywhere else, so lines
/// received but not committed are lost with the grain (the source is not replayable, as Spark's).
/// </summary>
[Alias("sluice.source.socket")]
internal interface ISocketSourceGrain : IGrainWithStringKey
{
    /// <summary>Connects on first use; the number of lines received so far.</summary>
    Task<long> LatestOffsetAsync(string host, int port);

    /// <summary>Lines [start, end); throws when some were dropped (committed, or lost with a restart).</summary>
    Task<IReadOnlyList<SocketLine>> ReadAsync(long start, long end);

    /// <summary>Forgets lines before <paramref name="end"/> (their batch committed).</summary>
    Task CommitAsync(long end);

    /// <summary>Closes the connection and lets the grain go.</summary>
    Task CloseAsync();
}
