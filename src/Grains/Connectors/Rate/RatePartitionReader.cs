using Sluice.Sources;

namespace Sluice.Connectors.Rate;

/// <summary>Generates rate rows <c>(timestamp, value)</c> for offsets [start, end); no I/O.</summary>
internal sealed class RatePartitionReader(long startMs, long rowsPerSecond) : IPartitionReader
{
    public Task<ReadResult> ReadAsync(long start, long end, List<object?[]> output, CancellationToken cancellationToken)
    {
        for (var value = start; value < end; value++)
        {
            var timestamp = DateTime.UnixEpoch.AddMilliseconds(startMs + (value * 1000 / rowsPerSecond));
            output.Add([timestamp, value]);
        }
        return Task.FromResult(new ReadResult(end - start, 0, 0));
    }

    public void Dispose()
    {
    }
}
