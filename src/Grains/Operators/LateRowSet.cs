namespace Sluice.Operators;

/// <summary>
/// What a stateful operator drops behind the watermark in one batch on one agent. <see cref="Dropped"/> counts every
/// drop, as Spark's <c>numRowsDroppedByWatermark</c> counts the operator's own input: an aggregation's input is the
/// agent's partial aggregate (one per group, as Spark's partial aggregation per partition), so late rows of one group
/// count once. <see cref="Rows"/> holds each input row once, for the
/// late-rows sink. An operator drops a row's windows one after another, so comparing with the last row kept is enough.
/// </summary>
internal sealed class LateRowSet
{
    /// <summary>The dropped input rows, each once, in input order.</summary>
    public List<object?[]> Rows { get; } = [];

    /// <summary>Drops, counted as Spark counts them (per window for windowed aggregations).</summary>
    public int Dropped { get; private set; }

    /// <summary>Adds a dropped row; <paramref name="count"/> false keeps it for the late-rows sink without counting a drop.</summary>
    public void Add(object?[] row, bool count = true)
    {
        if (count)
        {
            Dropped++;
        }
        if (Rows.Count == 0 || !ReferenceEquals(Rows[^1], row))
        {
            Rows.Add(row);
        }
    }
}
