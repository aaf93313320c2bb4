using Sluice.Columnar;
using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// <c>min</c>/<c>max</c> of an int, bigint or timestamp column (ticks): NULL until the first non-null input, then
/// replaced only by a strictly smaller (larger) value, so ties keep the first, as <see cref="MinMaxFunction"/>.
/// </summary>
internal sealed class ExtremumInt64Accumulator(int column, DataTypeKind kind, bool isMax) : TypedAccumulator
{
    private long[] _values = [];
    private bool[] _seen = [];

    public override int Column => column;

    public override bool Accepts(ColumnBatch batch) => Holds<Int64Vector>(batch, column) && batch.Column(column).Type.Kind == kind;

    public override void Reset(int groups)
    {
        Clear(ref _values, groups);
        Clear(ref _seen, groups);
    }

    public override void Update(ColumnBatch batch, ReadOnlySpan<int> rows, ReadOnlySpan<int> groups)
    {
        var vector = batch.Column<Int64Vector>(column);
        var values = vector.Values;
        var nulls = vector.HasNulls;
        var current = _values;
        var seen = _seen;
        for (var e = 0; e < groups.Length; e++)
        {
            var row = rows[e];
            if (nulls && vector.IsNull(row))
            {
                continue;
            }
            var group = groups[e];
            var value = values[row];
            if (!seen[group] || (isMax ? value > current[group] : value < current[group]))
            {
                current[group] = value;
                seen[group] = true;
            }
        }
    }

    public override void Write(int group, object?[] buffer, int offset) => buffer[offset] = !_seen[group] ? null : kind switch
    {
        DataTypeKind.Int => (int)_values[group],
        DataTypeKind.Timestamp => new DateTime(_values[group], DateTimeKind.Utc),
        _ => _values[group],
    };
}
