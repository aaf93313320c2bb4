using Sluice.Data;

namespace Sluice.Columnar;

/// <summary>
/// int, bigint and timestamp values as longs. A timestamp is its UTC <see cref="DateTime.Ticks"/> (100 ns), so a row
/// value round-trips exactly; <see cref="TicksToMs"/> gives the epoch milliseconds watermarks are kept in.
/// </summary>
internal sealed class Int64Vector(DataType type) : ColumnVector(type)
{
    private long[] _values = [];

    /// <summary>The values of rows [0, Count); a NULL's slot holds 0.</summary>
    public Span<long> Values => _values.AsSpan(0, Count);

    public void Append(long value)
    {
        if (Count == _values.Length)
        {
            Array.Resize(ref _values, Grow(_values.Length, Count + 1));
        }
        _values[Count++] = value;
    }

    /// <summary>Appends a timestamp given in epoch milliseconds.</summary>
    public void AppendEpochMs(long ms) => Append(DateTime.UnixEpoch.Ticks + (ms * TimeSpan.TicksPerMillisecond));

    /// <summary>Epoch milliseconds of a timestamp slot (floor, as <c>EventTimes.ToMs</c>).</summary>
    public static long TicksToMs(long ticks) => (ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    public override object? GetValue(int row) => IsNull(row) ? null : Type.Kind switch
    {
        DataTypeKind.Int => (int)_values[row],
        DataTypeKind.Timestamp => new DateTime(_values[row], DateTimeKind.Utc),
        _ => _values[row],
    };

    public override void AppendValue(object? value)
    {
        switch (value)
        {
            case null:
                AppendNull();
                break;
            case DateTime t:
                Append(t.Ticks);
                break;
            case int i:
                Append(i);
                break;
            default:
                Append(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    public override void Reserve(int rows)
    {
        if (Count + rows > _values.Length)
        {
            Array.Resize(ref _values, Grow(_values.Length, Count + rows));
        }
    }

    protected override void AppendDefault() => Append(0);

    protected override int Capacity => _values.Length;
}
