namespace Sluice.Operators;

/// <summary>
/// What a stateful operator drops behind the watermark in one batch on one agent. <see cref="Dropped"/> counts every
/// drop, as Spark's <c>numRowsDroppedByWatermark</c> counts the operator's own input: a row of a sliding window is one
/// input per window it falls in, so it can count more than once. <see cref="Rows"/> holds each input row once, for the
/// late-rows sink. An operator drops a row's windows one after another, so comparing with the last row kept is enough.
/// </summary>
internal sealed class LateRowSet
{
    /// <summary>The dropped input rows, each once, in input order.</summary>
    public List<object?[]> Rows { get; } = [];

    /// <summary>Drops, counted as Spark counts them (per window for windowed aggregations).</summary>
    public int Dropped { get; private set; }

    public void Add(object?[] row)
    {
        Dropped++;
        if (Rows.Count == 0 || !ReferenceEquals(Rows[^1], row))
        {
            Rows.Add(row);
        }
    }
}
