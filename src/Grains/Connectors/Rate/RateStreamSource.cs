using Sluice.Checkpointing;
using Sluice.Sources;

namespace Sluice.Connectors.Rate;

/// <summary>
/// Spark's rate source: <c>rowsPerSecond</c> rows a second with <c>value</c> 0, 1, 2, ... and <c>timestamp</c>
/// = start + value / rowsPerSecond. One partition; offsets count rows. The start time is written to the
/// checkpoint (<c>sources/&lt;i&gt;/rate-start</c>) once, so a restart continues the same sequence.
/// </summary>
internal sealed class RateStreamSource(ICheckpointStore store, int sourceIndex, long rowsPerSecond, TimeProvider time) : IStreamSource
{
    private long? _startMs;

    public string Description => $"RateStreamV2[rowsPerSecond={rowsPerSecond}, numPartitions=1]";

    public string OffsetKey => "rate";

    /// <summary>The start time, known after <see cref="InitialOffsetsAsync"/>; readers need it to stamp rows.</summary>
    public long StartMs => _startMs ?? throw new InvalidOperationException("the rate source has not been initialised");

    public string? ReaderContext => StartMs.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<IReadOnlyDictionary<int, long>> InitialOffsetsAsync(CancellationToken cancellationToken)
    {
        var path = $"sources/{sourceIndex}/rate-start";
        await store.TryCreateAsync(path, $"v1\n{time.GetUtcNow().ToUnixTimeMilliseconds()}\n", cancellationToken);
        var text = await store.ReadAsync(path, cancellationToken) ?? throw new CheckpointCorruptException(path, "missing");
        var lines = text.Split('\n');
        if (lines.Length < 2 || lines[0] != "v1" || !long.TryParse(lines[1], out var start))
        {
            throw new CheckpointCorruptException($"{store.Location}/{path}", "expected 'v1' then the start time in epoch milliseconds");
        }
        _startMs = start;
        return new Dictionary<int, long> { [0] = 0 };
    }

    public Task<IReadOnlyDictionary<int, long>> LatestOffsetsAsync(CancellationToken cancellationToken)
    {
        var elapsedMs = Math.Max(0, time.GetUtcNow().ToUnixTimeMilliseconds() - StartMs);
        return Task.FromResult<IReadOnlyDictionary<int, long>>(new Dictionary<int, long> { [0] = elapsedMs * rowsPerSecond / 1000 });
    }

    public void Dispose()
    {
    }
}
