namespace Sluice.Planning;

/// <summary>
/// <c>withWatermark</c>: observes the event time of the rows passing through (Spark's EventTimeWatermarkExec);
/// the coordinator turns the batch's maximum into the next watermark. Rows are not filtered here: stateful
/// operators drop rows behind the watermark.
/// </summary>
internal sealed class WatermarkOperator(int columnIndex) : IRowOperator
{
    public void Apply(List<object?[]> rows, BatchContext context)
    {
        foreach (var row in rows)
        {
            if (row[columnIndex] is DateTime t)
            {
                context.EventTime.Add((long)(t - DateTime.UnixEpoch).TotalMilliseconds);
            }
        }
    }
}
