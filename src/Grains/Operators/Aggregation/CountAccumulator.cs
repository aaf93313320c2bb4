using System.Buffers;
using Sluice.Columnar;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary><c>count</c>: the non-null inputs of a column (any type: only its validity is read), or every row.</summary>
internal sealed class CountAccumulator(int column) : TypedAccumulator
{
    private long[] _counts = [];

    public override int Column => column;

    public override bool Accepts(ColumnBatch batch) => column < 0 || batch.IsRead(column);

    public override void Reset(int groups) => Clear(ref _counts, groups);

    public override void Update(ColumnBatch batch, ReadOnlySpan<int> rows, ReadOnlySpan<int> groups)
    {
        var counts = _counts;
        var vector = column < 0 ? null : batch.Column(column);
        if (vector is null || !vector.HasNulls)
        {
            foreach (var group in groups)
            {
                counts[group]++;
            }
            return;
        }
        for (var e = 0; e < groups.Length; e++)
        {
            if (!vector.IsNull(rows[e]))
            {
                counts[groups[e]]++;
            }
        }
    }

    public override int LaneBytes(int groups) => groups * sizeof(long);

    public override void WriteLanes(ReadOnlySpan<int> groups, Span<byte> output) => Gather(_counts, groups, output);

    public override void ReadLanes(ReadOnlySpan<byte> input, int groups) => Scatter(input, ref _counts, groups);

    public override void Write(int group, object?[] buffer, int offset) => buffer[offset] = Boxes.Long(_counts[group]);

    public override void Grow(int slots) => Grow(ref _counts, slots);

    public override void Clear(int slot) => _counts[slot] = 0;

    public override void Merge(TypedAccumulator from, ReadOnlySpan<int> into)
    {
        var counts = _counts;
        var other = ((CountAccumulator)from)._counts;
        for (var i = 0; i < into.Length; i++)
        {
            counts[into[i]] += other[i];
        }
    }

    public override void Read(object?[] buffer, int offset, int slot) => _counts[slot] = (long)buffer[offset]!;

    public override void Encode(int slot, IBufferWriter<byte> writer) => RowCodec.WriteLong(writer, _counts[slot]);

    public override object? Evaluate(int slot) => Boxes.Long(_counts[slot]);
}
