using System.Buffers;
using System.Runtime.CompilerServices;
using Sluice.Columnar;
using Sluice.Data;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// <c>sum</c>, <c>min</c> or <c>max</c> of one typed column: per group, NULL until the first non-null input, then the
/// fold <typeparamref name="TFold"/> of the inputs in row order. The fold is a struct, so the JIT compiles one loop per
/// function with its step inlined.
/// </summary>
internal sealed class FoldAccumulator<T, TFold>(int column, DataTypeKind kind) : TypedAccumulator
    where T : unmanaged
    where TFold : struct, IColumnFold<T>
{
    private T[] _values = [];
    private bool[] _seen = [];

    public override int Column => column;

    public override bool Accepts(ColumnBatch batch) => Holds<PrimitiveVector<T>>(batch, column) && batch.Column(column).Type.Kind == kind;

    public override void Reset(int groups)
    {
        Clear(ref _values, groups);
        Clear(ref _seen, groups);
    }

    public override void Update(ColumnBatch batch, ReadOnlySpan<int> rows, ReadOnlySpan<int> groups)
    {
        var vector = batch.Column<PrimitiveVector<T>>(column);
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
            if (seen[group])
            {
                current[group] = TFold.Next(current[group], values[row]);
            }
            else
            {
                current[group] = TFold.First(values[row]);
                seen[group] = true;
            }
        }
    }

    public override int LaneBytes(int groups) => groups * (sizeof(bool) + Unsafe.SizeOf<T>());

    public override void WriteLanes(ReadOnlySpan<int> groups, Span<byte> output)
    {
        var at = Gather(_seen, groups, output);
        Gather(_values, groups, output[at..]);
    }

    public override void ReadLanes(ReadOnlySpan<byte> input, int groups)
    {
        var at = Scatter(input, ref _seen, groups);
        Scatter(input[at..], ref _values, groups);
    }

    public override void Write(int group, object?[] buffer, int offset) => buffer[offset] = _seen[group] ? TFold.Box(_values[group], kind) : null;

    public override void Grow(int slots)
    {
        Grow(ref _values, slots);
        Grow(ref _seen, slots);
    }

    public override void Clear(int slot) => (_values[slot], _seen[slot]) = (default, false);

    public override void Merge(TypedAccumulator from, ReadOnlySpan<int> into)
    {
        var (values, seen) = (_values, _seen);
        var other = (FoldAccumulator<T, TFold>)from;
        var (otherValues, otherSeen) = (other._values, other._seen);
        for (var i = 0; i < into.Length; i++)
        {
            // The row function's merge is its update with the other buffer's slot as the input: nothing when NULL.
            if (!otherSeen[i])
            {
                continue;
            }
            var slot = into[i];
            if (seen[slot])
            {
                values[slot] = TFold.Next(values[slot], otherValues[i]);
            }
            else
            {
                values[slot] = TFold.First(otherValues[i]);
                seen[slot] = true;
            }
        }
    }

    public override void Read(object?[] buffer, int offset, int slot)
    {
        var value = buffer[offset];
        _seen[slot] = value is not null;
        _values[slot] = value is null ? default : TFold.Unbox(value);
    }

    public override void Encode(int slot, IBufferWriter<byte> writer)
    {
        if (_seen[slot])
        {
            TFold.Encode(writer, _values[slot], kind);
        }
        else
        {
            RowCodec.WriteTag(writer, ValueTag.Null);
        }
    }

    public override object? Evaluate(int slot) => _seen[slot] ? TFold.Box(_values[slot], kind) : null;
}

/// <summary>One step of a <see cref="FoldAccumulator{T, TFold}"/>: exactly what the row function's update does.</summary>
internal interface IColumnFold<T>
{
    /// <summary>The state after a group's first non-null input.</summary>
    static abstract T First(T value);

    /// <summary>The state after one more non-null input.</summary>
    static abstract T Next(T current, T value);

    /// <summary>The state as the row function's buffer slot holds it, for an input column of <paramref name="kind"/>.</summary>
    static abstract object Box(T state, DataTypeKind kind);

    /// <summary>The state of a buffer slot <see cref="Box"/> made (or the store decoded).</summary>
    static abstract T Unbox(object value);

    /// <summary>Appends the state as <see cref="RowCodec"/> encodes its <see cref="Box"/>.</summary>
    static abstract void Encode(IBufferWriter<byte> writer, T state, DataTypeKind kind);
}

/// <summary><c>sum</c> of an int or bigint column: a bigint that wraps on overflow.</summary>
internal readonly struct SumLongs : IColumnFold<long>
{
    public static long First(long value) => value;

    public static long Next(long current, long value) => unchecked(current + value);

    public static object Box(long state, DataTypeKind kind) => state;

    public static long Unbox(object value) => (long)value;

    public static void Encode(IBufferWriter<byte> writer, long state, DataTypeKind kind) => RowCodec.WriteLong(writer, state);
}

/// <summary>
/// <c>sum</c> of a double column. The sum starts at 0.0 and adds inputs in row order, as <see cref="SumFunction"/>
/// does (so a lone -0.0 sums to 0.0 there and here).
/// </summary>
internal readonly struct SumDoubles : IColumnFold<double>
{
    public static double First(double value) => 0.0 + value;

    public static double Next(double current, double value) => current + value;

    public static object Box(double state, DataTypeKind kind) => state;

    public static double Unbox(object value) => (double)value;

    public static void Encode(IBufferWriter<byte> writer, double state, DataTypeKind kind) => TypedAccumulator.EncodeDouble(writer, state);
}

/// <summary>
/// <c>min</c>/<c>max</c> of an int, bigint or timestamp column (ticks): replaced only by a strictly smaller (larger)
/// value, so ties keep the first, as <see cref="MinMaxFunction"/>.
/// </summary>
internal readonly struct MinLongs : IColumnFold<long>
{
    public static long First(long value) => value;

    public static long Next(long current, long value) => value < current ? value : current;

    public static object Box(long state, DataTypeKind kind) => BoxLong(state, kind);

    public static long Unbox(object value) => UnboxLong(value);

    public static void Encode(IBufferWriter<byte> writer, long state, DataTypeKind kind) => EncodeLong(writer, state, kind);

    /// <summary>A slot <see cref="BoxLong"/> made (int, long or timestamp) as a long.</summary>
    public static long UnboxLong(object value) => value switch
    {
        int i => i,
        DateTime t => t.Ticks,
        _ => (long)value,
    };

    /// <summary>As <see cref="RowCodec"/> encodes <see cref="BoxLong"/>'s box.</summary>
    public static void EncodeLong(IBufferWriter<byte> writer, long state, DataTypeKind kind)
    {
        switch (kind)
        {
            case DataTypeKind.Int:
                RowCodec.WriteInt(writer, (int)state);
                break;
            case DataTypeKind.Timestamp:
                RowCodec.WriteFixed64(writer, ValueTag.Timestamp, state);
                break;
            default:
                RowCodec.WriteLong(writer, state);
                break;
        }
    }

    /// <summary>A long slot as the row path holds a value of <paramref name="kind"/>.</summary>
    public static object BoxLong(long state, DataTypeKind kind) => kind switch
    {
        DataTypeKind.Int => (int)state,
        DataTypeKind.Timestamp => new DateTime(state, DateTimeKind.Utc),
        _ => state,
    };
}

/// <inheritdoc cref="MinLongs"/>
internal readonly struct MaxLongs : IColumnFold<long>
{
    public static long First(long value) => value;

    public static long Next(long current, long value) => value > current ? value : current;

    public static object Box(long state, DataTypeKind kind) => MinLongs.BoxLong(state, kind);

    public static long Unbox(object value) => MinLongs.UnboxLong(value);

    public static void Encode(IBufferWriter<byte> writer, long state, DataTypeKind kind) => MinLongs.EncodeLong(writer, state, kind);
}

/// <summary>
/// <c>min</c>/<c>max</c> of a double column in Spark's order (<see cref="ValueOrdering.CompareDoubles"/>: NaN above
/// everything, -0.0 equal to 0.0), replaced only by a strictly smaller (larger) value, so ties keep the first value's
/// bits, as <see cref="MinMaxFunction"/>.
/// </summary>
internal readonly struct MinDoubles : IColumnFold<double>
{
    public static double First(double value) => value;

    public static double Next(double current, double value) => ValueOrdering.CompareDoubles(value, current) < 0 ? value : current;

    public static object Box(double state, DataTypeKind kind) => state;

    public static double Unbox(object value) => (double)value;

    public static void Encode(IBufferWriter<byte> writer, double state, DataTypeKind kind) => TypedAccumulator.EncodeDouble(writer, state);
}

/// <inheritdoc cref="MinDoubles"/>
internal readonly struct MaxDoubles : IColumnFold<double>
{
    public static double First(double value) => value;

    public static double Next(double current, double value) => ValueOrdering.CompareDoubles(value, current) > 0 ? value : current;

    public static object Box(double state, DataTypeKind kind) => state;

    public static double Unbox(object value) => (double)value;

    public static void Encode(IBufferWriter<byte> writer, double state, DataTypeKind kind) => TypedAccumulator.EncodeDouble(writer, state);
}
