using Sluice.Columnar;

namespace Sluice.Operators.Aggregation;

/// <summary><c>sum</c> of an int or bigint column: a bigint that wraps on overflow, NULL until the first non-null input.</summary>
internal sealed class SumInt64Accumulator(int column) : TypedAccumulator
{
    private long[] _sums = [];
    private bool[] _seen = [];

    public override int Column => column;

    public override bool Accepts(ColumnBatch batch) => Holds<Int64Vector>(batch, column);

    public override void Reset(int groups)
    {
        Clear(ref _sums, groups);
        Clear(ref _seen, groups);
    }

    public override void Update(ColumnBatch batch, ReadOnlySpan<int> rows, ReadOnlySpan<int> groups)
    {
        var vector = batch.Column<Int64Vector>(column);
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
            sums[group] = unchecked(sums[group] + values[row]);
            seen[group] = true;
        }
    }

    public override void Write(int group, object?[] buffer, int offset) => buffer[offset] = _seen[group] ? _sums[group] : null;
}
