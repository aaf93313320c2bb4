using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sluice.Columnar;
using Sluice.Data;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// One aggregate's state for every group of a columnar batch, in typed arrays indexed by group number (no boxes, no
/// <c>object?[]</c> per group while rows are folded in). It folds a whole batch in one call per aggregate, then writes
/// each group's state into the slots of an <see cref="AggregateSet"/> buffer exactly as the row function's
/// <see cref="IAggregateFunction.Update"/> calls would have left them, so window grains merge it unchanged. Instances
/// are reused from batch to batch by one agent; <see cref="TryCreate"/> says at plan time which aggregates have one.
/// A key group's hot state (<see cref="TypedHotGroups"/>) keeps its groups in the same arrays, one slot per group:
/// the slot members below merge, load, encode and evaluate one slot as the row function would its buffer slots.
/// </summary>
internal abstract class TypedAccumulator
{
    /// <summary>Whether the batch holds the column this reads as the vector type it expects.</summary>
    public abstract bool Accepts(ColumnBatch batch);

    /// <summary>Empties the state of groups 0 to <paramref name="groups"/> - 1 for a new batch.</summary>
    public abstract void Reset(int groups);

    /// <summary>Folds in entry e (physical row <c>rows[e]</c> of group <c>groups[e]</c>) for every e, in order.</summary>
    public abstract void Update(ColumnBatch batch, ReadOnlySpan<int> rows, ReadOnlySpan<int> groups);

    /// <summary>Writes <paramref name="group"/>'s state into the function's slots of <paramref name="buffer"/> from <paramref name="offset"/>.</summary>
    public abstract void Write(int group, object?[] buffer, int offset);

    /// <summary>The bytes <see cref="WriteLanes"/> writes for <paramref name="groups"/> groups.</summary>
    public abstract int LaneBytes(int groups);

    /// <summary>
    /// Writes the state of <paramref name="groups"/>, in that order, as typed lanes (one array per field of the state,
    /// in the machine's byte order): a key group's share of a batch in <see cref="PartialAggregates"/>.
    /// </summary>
    public abstract void WriteLanes(ReadOnlySpan<int> groups, Span<byte> output);

    /// <summary>Makes groups 0 to <paramref name="groups"/> - 1 the ones <see cref="WriteLanes"/> wrote into <paramref name="input"/> (<see cref="LaneBytes"/> long).</summary>
    public abstract void ReadLanes(ReadOnlySpan<byte> input, int groups);

    /// <summary>Grows the state to hold slots 0 to <paramref name="slots"/> - 1, keeping what it holds (new slots empty).</summary>
    public abstract void Grow(int slots);

    /// <summary>Empties <paramref name="slot"/>: the state of a group with no input (the function's <c>Initialize</c>).</summary>
    public abstract void Clear(int slot);

    /// <summary>
    /// Merges group i of <paramref name="from"/> into slot <c>into[i]</c>, for each i in order, as the row function's
    /// <c>Merge</c> of the two buffers would. Merging into an empty slot copies (a partial sum is never -0.0: it
    /// starts from 0.0 as the row function's does, so 0.0 + it is it).
    /// </summary>
    public abstract void Merge(TypedAccumulator from, ReadOnlySpan<int> into);

    /// <summary>Sets <paramref name="slot"/> from the function's slots of <paramref name="buffer"/> from <paramref name="offset"/> (a stored value or a row-path partial).</summary>
    public abstract void Read(object?[] buffer, int offset, int slot);

    /// <summary>Appends <paramref name="slot"/>'s state as <see cref="RowCodec"/> encodes the buffer slots <see cref="Write"/> makes of it, byte for byte.</summary>
    public abstract void Encode(int slot, IBufferWriter<byte> writer);

    /// <summary>The function's result for <paramref name="slot"/>, as its <c>Evaluate</c> gives it from the buffer.</summary>
    public abstract object? Evaluate(int slot);

    /// <summary>
    /// The accumulator of <paramref name="aggregate"/>, or null when it has none: count(*) and count of a constant or a
    /// column; sum and avg of an int, bigint or double column; min and max of an int, bigint, timestamp or double column.
    /// </summary>
    public static TypedAccumulator? TryCreate(BoundAggregate aggregate)
    {
        if (aggregate.Ordering is not null)
        {
            return null;
        }
        var column = aggregate.ArgumentColumn;
        var kind = aggregate.Argument?.Type.Kind;
        return aggregate.Function switch
        {
            CountFunction when aggregate.Argument is null => new CountAccumulator(-1),
            // count(1): the input is never null, so every row counts, as count(*).
            CountFunction when aggregate.Argument.IsConstant => aggregate.Argument.Evaluate([]) is null ? null : new CountAccumulator(-1),
            CountFunction when column >= 0 => new CountAccumulator(column),
            SumFunction sum when column >= 0 && ReferenceEquals(sum, SumFunction.Long) && kind is DataTypeKind.Int or DataTypeKind.Long => new FoldAccumulator<long, SumLongs>(column, kind.Value),
            SumFunction sum when column >= 0 && ReferenceEquals(sum, SumFunction.Double) && kind is DataTypeKind.Double => new FoldAccumulator<double, SumDoubles>(column, DataTypeKind.Double),
            AverageFunction when column >= 0 && kind is DataTypeKind.Int or DataTypeKind.Long or DataTypeKind.Double => new AverageAccumulator(column, kind.Value),
            MinMaxFunction m when column >= 0 && kind is DataTypeKind.Int or DataTypeKind.Long or DataTypeKind.Timestamp => m.IsMax
                ? new FoldAccumulator<long, MaxLongs>(column, kind.Value)
                : new FoldAccumulator<long, MinLongs>(column, kind.Value),
            MinMaxFunction m when column >= 0 && kind is DataTypeKind.Double => m.IsMax
                ? new FoldAccumulator<double, MaxDoubles>(column, DataTypeKind.Double)
                : new FoldAccumulator<double, MinDoubles>(column, DataTypeKind.Double),
            _ => null,
        };
    }

    /// <summary>The input column, -1 for none (count(*)).</summary>
    public abstract int Column { get; }

    /// <summary>Grows <paramref name="array"/> to hold <paramref name="groups"/> and clears its first <paramref name="groups"/> slots.</summary>
    protected static void Clear<T>(ref T[] array, int groups)
    {
        if (array.Length < groups)
        {
            array = new T[Math.Max(groups, array.Length * 2)];
            return;
        }
        Array.Clear(array, 0, groups);
    }

    /// <summary>Grows <paramref name="array"/> to hold <paramref name="slots"/>, keeping its values.</summary>
    protected static void Grow<T>(ref T[] array, int slots)
    {
        if (array.Length < slots)
        {
            Array.Resize(ref array, Math.Max(slots, array.Length * 2));
        }
    }

    /// <summary>A double as <see cref="RowCodec"/> writes it: one NaN, -0.0 as 0.0 (the state's bytes are compared and hashed).</summary>
    internal static void EncodeDouble(IBufferWriter<byte> writer, double value) =>
        RowCodec.WriteFixed64(writer, ValueTag.Double, double.IsNaN(value) ? 0x7FF8_0000_0000_0000 : value == 0 ? 0 : BitConverter.DoubleToInt64Bits(value));

    /// <summary>Writes <c>values[g]</c> for each g of <paramref name="groups"/> into <paramref name="output"/>; returns the bytes written.</summary>
    protected static int Gather<T>(T[] values, ReadOnlySpan<int> groups, Span<byte> output) where T : unmanaged
    {
        var bytes = groups.Length * Unsafe.SizeOf<T>();
        var lane = MemoryMarshal.Cast<byte, T>(output[..bytes]);
        for (var i = 0; i < groups.Length; i++)
        {
            lane[i] = values[groups[i]];
        }
        return bytes;
    }

    /// <summary>Reads a lane of <paramref name="groups"/> values into <paramref name="values"/> (grown to hold them); returns the bytes read.</summary>
    protected static int Scatter<T>(ReadOnlySpan<byte> input, ref T[] values, int groups) where T : unmanaged
    {
        var bytes = groups * Unsafe.SizeOf<T>();
        if (values.Length < groups)
        {
            values = new T[Math.Max(groups, values.Length * 2)];
        }
        MemoryMarshal.Cast<byte, T>(input[..bytes]).CopyTo(values);
        return bytes;
    }

    /// <summary>Whether column <paramref name="column"/> is read and is a <typeparamref name="T"/>.</summary>
    protected static bool Holds<T>(ColumnBatch batch, int column) where T : ColumnVector =>
        batch.IsRead(column) && batch.Column(column) is T;
}
