namespace Sluice.Data;

/// <summary>
/// Rows that travel between grains together: one call carries a whole batch, never one row.
/// Each row is an <c>object?[]</c> laid out by <see cref="Schema"/>.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("sluice.RowBatch")]
public sealed class RowBatch(StreamSchema schema, List<object?[]> rows)
{
    [Id(0)] public StreamSchema Schema { get; } = schema;

    [Id(1)] public List<object?[]> Rows { get; } = rows;

    public int Count => Rows.Count;
}
