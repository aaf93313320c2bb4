using System.Buffers;
using Sluice.Columnar;
using Sluice.Data;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary><c>avg</c> of an int, bigint or double column: Spark's two slots, the sum as a double (inputs converted one by one, in row order) and the count.</summary>
internal sealed class AverageAccumulator(int column, DataTypeKind kind) : TypedAccumulator
{
    private double[] _sums = [];
    private long[] _counts = [];

    public override int Column => column;

    public override bool Accepts(ColumnBatch batch) =>
        kind == DataTypeKind.Double ? Holds<DoubleVector>(batch, column) : Holds<Int64Vector>(batch, column);

    public override void Reset(int groups)
    {
        Clear(ref _sums, groups);
        Clear(ref _counts, groups);
    }

    public override void Update(ColumnBatch batch, ReadOnlySpan<int> rows, ReadOnlySpan<int> groups)
    {
        var sums = _sums;
        var counts = _counts;
        if (kind == DataTypeKind.Double)
        {
            var vector = batch.Column<DoubleVector>(column);
            var values = vector.Values;
            var nulls = vector.HasNulls;
            for (var e = 0; e < groups.Length; e++)
            {
                var row = rows[e];
                if (!nulls || !vector.IsNull(row))
                {
                    sums[groups[e]] += values[row];
                    counts[groups[e]]++;
                }
            }
        }
        else
        {
            var vector = batch.Column<Int64Vector>(column);
            var values = vector.Values;
            var nulls = vector.HasNulls;
            for (var e = 0; e < groups.Length; e++)
            {
                var row = rows[e];
                if (!nulls || !vector.IsNull(row))
                {
                    sums[groups[e]] += values[row];
                    counts[groups[e]]++;
                }
            }
        }
    }

    public override int LaneBytes(int groups) => groups * (sizeof(double) + sizeof(long));

    public override void WriteLanes(ReadOnlySpan<int> groups, Span<byte> output)
    {
        var at = Gather(_sums, groups, output);
        Gather(_counts, groups, output[at..]);
    }

    public override void ReadLanes(ReadOnlySpan<byte> input, int groups)
    {
        var at = Scatter(input, ref _sums, groups);
        Scatter(input[at..], ref _counts, groups);
    }

    public override void Write(int group, object?[] buffer, int offset)
    {
        buffer[offset] = _sums[group];
        buffer[offset + 1] = Boxes.Long(_counts[group]);
    }

    public override void Grow(int slots)
    {
        Grow(ref _sums, slots);
        Grow(ref _counts, slots);
    }

    public override void Clear(int slot) => (_sums[slot], _counts[slot]) = (0.0, 0);

    public override void Merge(TypedAccumulator from, ReadOnlySpan<int> into)
    {
        var (sums, counts) = (_sums, _counts);
        var other = (AverageAccumulator)from;
        for (var i = 0; i < into.Length; i++)
        {
            sums[into[i]] += other._sums[i];
            counts[into[i]] += other._counts[i];
        }
    }

    public override void Read(object?[] buffer, int offset, int slot) =>
        (_sums[slot], _counts[slot]) = ((double)buffer[offset]!, (long)buffer[offset + 1]!);

    public override void Encode(int slot, IBufferWriter<byte> writer)
    {
        EncodeDouble(writer, _sums[slot]);
        RowCodec.WriteLong(writer, _counts[slot]);
    }

    public override object? Evaluate(int slot) => _counts[slot] == 0 ? null : _sums[slot] / _counts[slot];
}
