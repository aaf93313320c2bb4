using Sluice.Columnar;
using Sluice.Sources;

namespace Sluice.Connectors.Rate;

/// <summary>Generates rate rows <c>(timestamp, value)</c> for offsets [start, end), as rows or as columns; no I/O.</summary>
internal sealed class RatePartitionReader(long startMs, long rowsPerSecond) : IColumnarPartitionReader
{
    public Task<ReadResult> ReadAsync(long start, long end, List<object?[]> output, CancellationToken cancellationToken)
    {
        for (var value = start; value < end; value++)
        {
            output.Add([TimestampOf(value), value]);
        }
        return Task.FromResult(new ReadResult(end - start, 0, 0));
    }

    public Task<ReadResult> ReadColumnsAsync(long start, long end, ColumnBatch output, CancellationToken cancellationToken)
    {
        var rows = checked((int)(end - start));
        var timestamps = output.IsRead(0) ? output.Column<Int64Vector>(0) : null;
        var values = output.IsRead(1) ? output.Column<Int64Vector>(1) : null;
        timestamps?.Reserve(rows);
        values?.Reserve(rows);
        for (var value = start; value < end; value++)
        {
            timestamps?.Append(TimestampOf(value).Ticks);
            values?.Append(value);
        }
        output.RowCount = rows;
        return Task.FromResult(new ReadResult(end - start, 0, 0));
    }

    public void Dispose()
    {
    }

    private DateTime TimestampOf(long value) => DateTime.UnixEpoch.AddMilliseconds(startMs + RelativeMs(value, rowsPerSecond));

    /// <summary>
    /// Spark's stamp (<c>RateStreamMicroBatchPartitionReader</c>): the value's second, plus its place in that second
    /// spread evenly and rounded half up (<c>math.round</c>): at 1500 rows a second value 1 is at 1 ms, not 0.
    /// </summary>
    internal static long RelativeMs(long value, long rowsPerSecond) =>
        value / rowsPerSecond * 1000 + (long)Math.Floor(value % rowsPerSecond * (1000.0 / rowsPerSecond) + 0.5);
}
