using Sluice.Columnar;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// <c>min</c>/<c>max</c> of a double column in Spark's order (<see cref="ValueOrdering.CompareDoubles"/>: NaN above
/// everything, -0.0 equal to 0.0): NULL until the first non-null input, then replaced only by a strictly smaller
/// (larger) value, so ties keep the first value's bits, as <see cref="MinMaxFunction"/>.
/// </summary>
internal sealed class ExtremumDoubleAccumulator(int column, bool isMax) : TypedAccumulator
{
    private double[] _values = [];
    private bool[] _seen = [];

    public override int Column => column;

    public override bool Accepts(ColumnBatch batch) => Holds<DoubleVector>(batch, column);

    public override void Reset(int groups)
    {
        Clear(ref _values, groups);
        Clear(ref _seen, groups);
    }

    public override void Update(ColumnBatch batch, ReadOnlySpan<int> rows, ReadOnlySpan<int> groups)
    {
        var vector = batch.Column<DoubleVector>(column);
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
            if (!seen[group])
            {
                current[group] = value;
                seen[group] = true;
                continue;
            }
            var order = ValueOrdering.CompareDoubles(value, current[group]);
            if (isMax ? order > 0 : order < 0)
            {
                current[group] = value;
            }
        }
    }

    public override void Write(int group, object?[] buffer, int offset) => buffer[offset] = _seen[group] ? _values[group] : null;
}
