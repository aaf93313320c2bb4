using Sluice.Columnar;

namespace Sluice.Planning;

/// <summary>
/// <c>withWatermark</c>: observes the event time of the rows passing through (Spark's EventTimeWatermarkExec);
/// the coordinator turns the batch's maximum into the next watermark. Rows are not filtered here: stateful
/// operators drop rows behind the watermark.
/// </summary>
internal sealed class WatermarkOperator(int columnIndex) : IColumnarOperator
{
    public bool IsColumnar => true;

    public void Apply(List<object?[]> rows, BatchContext context)
    {
        foreach (var row in rows)
        {
            if (row[columnIndex] is DateTime t)
            {
                context.EventTime.Add(ToMs(t));
            }
        }
    }

    /// <summary>The selected rows' event times, in row order as on rows (the mean is a sum of doubles).</summary>
    public ColumnBatch Apply(ColumnBatch batch, BatchContext context)
    {
        var times = batch.Column<Int64Vector>(columnIndex);
        var ticks = times.Values;
        var nullable = times.HasNulls;
        var count = batch.SelectedCount;
        for (var i = 0; i < count; i++)
        {
            var r = batch.RowAt(i);
            if (!(nullable && times.IsNull(r)))
            {
                context.EventTime.Add(ToMs(new DateTime(ticks[r], DateTimeKind.Utc)));
            }
        }
        return batch;
    }

    public bool[]? InputColumns(bool[] outputNeeded)
    {
        var read = (bool[])outputNeeded.Clone();
        read[columnIndex] = true;
        return read;
    }

    private static long ToMs(DateTime t) => (long)(t - DateTime.UnixEpoch).TotalMilliseconds;
}
