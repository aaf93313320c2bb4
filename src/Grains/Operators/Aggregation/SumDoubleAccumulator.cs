using Sluice.Columnar;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// <c>sum</c> of a double column, NULL until the first non-null input. The sum starts at 0.0 and adds inputs in row
/// order, as <see cref="SumFunction"/> does (so a lone -0.0 sums to 0.0 there and here).
/// </summary>
internal sealed class SumDoubleAccumulator(int column) : TypedAccumulator
{
    private double[] _sums = [];
    private bool[] _seen = [];

    public override int Column => column;

    public override bool Accepts(ColumnBatch batch) => Holds<DoubleVector>(batch, column);

    public override void Reset(int groups)
    {
        Clear(ref _sums, groups);
        Clear(ref _seen, groups);
    }

    public override void Update(ColumnBatch batch, ReadOnlySpan<int> rows, ReadOnlySpan<int> groups)
    {
        var vector = batch.Column<DoubleVector>(column);
        var values = vector.Values;
        var nulls = vector.HasNulls;
        var sums = _sums;
        var seen = _seen;
        for (var e = 0; e < groups.Length; e++)
        {
            var row = rows[e];
            if (nulls && vector.IsNull(row))
            {
                continue;
            }
            var group = groups[e];
            sums[group] += values[row];
            seen[group] = true;
        }
    }

    public override void Write(int group, object?[] buffer, int offset) => buffer[offset] = _seen[group] ? _sums[group] : null;
}
