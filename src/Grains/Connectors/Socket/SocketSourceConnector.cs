using Sluice.Data;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Connectors.Socket;

/// <summary>
/// Spark's <c>socket</c> source: UTF-8 text lines from a TCP server as column <c>value</c> (and <c>timestamp</c>, the
/// arrival time, with <c>includeTimestamp</c>). For tests and demos only: lines live in memory until their batch
/// commits, so a batch re-run after a failure cannot be read again (not replayable; a warning says so at start).
/// </summary>
internal sealed class SocketSourceConnector : ISourceConnector
{
    public string Kind => "socket";

    public IReadOnlyList<string> Settings => ["host", "port", "includeTimestamp"];

    public bool Replayable => false;

    public void Validate(SourceSpec spec, string path)
    {
        SourceSchema.RequireKnownSettings(spec, path, this);
        var s = new SpecSettings(spec.Settings, path);
        _ = s.String("host") ?? throw new SpecException(path + ".host", "a socket source needs a host");
        _ = s.Port("port") ?? throw new SpecException(path + ".port", "a socket source needs a port");
        _ = s.Bool("includeTimestamp");
    }

    public SourceSpec Confine(SourceSpec spec, ConnectorGuard guard)
    {
        guard.Host(Host(spec), "The socket source's host");
        return spec;
    }

    public StreamSchema Schema(SourceSpec spec) => IncludeTimestamp(spec)
        ? new([new Column("value", DataType.String), new Column("timestamp", DataType.Timestamp)])
        : new([new Column("value", DataType.String)]);

    public IStreamSource CreateSource(SourceContext context) => new SocketStreamSource(Grain(context.Grains, context), Host(context.Spec), Port(context.Spec));

    public IPartitionReader CreateReader(ReaderContext context) =>
        new SocketPartitionReader(context.Grains.GetGrain<ISocketSourceGrain>(Key(context.Checkpoint.Location, context.SourceIndex)), IncludeTimestamp(context.Spec));

    public IOffsetCommitter CreateOffsetCommitter(SourceContext context) => new SocketCommitter(Grain(context.Grains, context));

    private static ISocketSourceGrain Grain(IGrainFactory grains, SourceContext context) =>
        grains.GetGrain<ISocketSourceGrain>(Key(context.Checkpoint.Location, context.SourceIndex));

    // One connection per query checkpoint and source: the readers of every partition agent reach the same grain.
    private static string Key(string checkpoint, int sourceIndex) => $"{checkpoint}|{sourceIndex}";

    private static string Host(SourceSpec spec) => new SpecSettings(spec.Settings, "$.source").String("host")!;

    private static int Port(SourceSpec spec) => new SpecSettings(spec.Settings, "$.source").Port("port")!.Value;

    private static bool IncludeTimestamp(SourceSpec spec) => new SpecSettings(spec.Settings, "$.source").Bool("includeTimestamp") ?? false;

    private sealed class SocketStreamSource(ISocketSourceGrain grain, string host, int port) : IStreamSource
    {
        public string Description => $"TextSocketV2[host: {host}, port: {port}]";

        public string OffsetKey => $"socket:{host}:{port}";

        public Task<IReadOnlyDictionary<int, long>> InitialOffsetsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<int, long>>(new Dictionary<int, long> { [0] = 0 });

        public async Task<IReadOnlyDictionary<int, long>> LatestOffsetsAsync(CancellationToken cancellationToken) =>
            new Dictionary<int, long> { [0] = await grain.LatestOffsetAsync(host, port) };

        public void Dispose() => _ = grain.CloseAsync();
    }

    private sealed class SocketPartitionReader(ISocketSourceGrain grain, bool includeTimestamp) : IPartitionReader
    {
        public async Task<ReadResult> ReadAsync(long start, long end, List<object?[]> output, CancellationToken cancellationToken)
        {
            var lines = await grain.ReadAsync(start, end);
            foreach (var line in lines)
            {
                output.Add(includeTimestamp ? [line.Value, DateTime.UnixEpoch.AddMilliseconds(line.ReceivedMs)] : [line.Value]);
            }
            return new ReadResult(lines.Count, 0, 0);
        }

        public void Dispose()
        {
        }
    }

    private sealed class SocketCommitter(ISocketSourceGrain grain) : IOffsetCommitter
    {
        public Task CommitAsync(IReadOnlyDictionary<int, long> endOffsets, CancellationToken cancellationToken) =>
            grain.CommitAsync(endOffsets.GetValueOrDefault(0));

        public void Dispose()
        {
        }
    }
}
