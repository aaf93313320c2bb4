using Sluice.Data;

namespace Sluice.Columnar;

/// <summary>
/// int, bigint and timestamp values as longs. A timestamp is its UTC <see cref="DateTime.Ticks"/> (100 ns), so a row
/// value round-trips exactly; <see cref="TicksToMs"/> gives the epoch milliseconds watermarks are kept in.
/// </summary>
internal sealed class Int64Vector(DataType type) : PrimitiveVector<long>(type)
{
    /// <summary>Appends a timestamp given in epoch milliseconds.</summary>
    public void AppendEpochMs(long ms) => Append(DateTime.UnixEpoch.Ticks + (ms * TimeSpan.TicksPerMillisecond));

    /// <summary>Epoch milliseconds of a timestamp slot (floor, as <c>EventTimes.ToMs</c>).</summary>
    public static long TicksToMs(long ticks) => (ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    public override object? GetValue(int row) => IsNull(row) ? null : Type.Kind switch
    {
        DataTypeKind.Int => (int)ValueAt(row),
        DataTypeKind.Timestamp => new DateTime(ValueAt(row), DateTimeKind.Utc),
        _ => ValueAt(row),
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
}
