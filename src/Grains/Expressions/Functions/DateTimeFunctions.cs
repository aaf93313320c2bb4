using Sluice.Data;
using Sluice.Expressions.Binding;
using Sluice.Expressions.Evaluation;

namespace Sluice.Expressions.Functions;

/// <summary>
/// Timestamp functions, in UTC. Formats must be constants; a string that does not match gives null, as Spark with
/// ANSI mode off. current_timestamp(), now() and unix_timestamp() without arguments are the batch's timestamp
/// (<see cref="BatchTime"/>), as Spark's micro-batch replaces them; current_timezone() is UTC, the zone every
/// timestamp function here computes in.
/// </summary>
internal static class DateTimeFunctions
{
    public static IEnumerable<FunctionDefinition> Definitions()
    {
        yield return new("current_timestamp", 0, 0, CurrentTimestamp);
        yield return new("now", 0, 0, CurrentTimestamp);
        yield return new("current_timezone", 0, 0, static _ => BoundExpression.Constant(DataType.String, "UTC"));
        yield return new("to_timestamp", 1, 2, ToTimestamp);
        yield return new("window_time", 1, 1, WindowTime);
        yield return new("unix_timestamp", 0, 2, UnixTimestamp);
        yield return new("unix_seconds", 1, 1, a => ToLong(a, Timestamps.ToSeconds));
        yield return new("unix_millis", 1, 1, a => ToLong(a, Timestamps.ToMillis));
        yield return new("unix_micros", 1, 1, a => ToLong(a, Timestamps.ToMicros));
        yield return new("timestamp_seconds", 1, 1, a => Casts.Apply(a.Numeric(0), DataType.Timestamp));
        yield return new("timestamp_millis", 1, 1, a => a.Result(DataType.Timestamp, Lift.VV(a.As(0, DataType.Long).As<long?>(), Timestamps.FromMillis)));
        yield return new("from_unixtime", 1, 2, FromUnixTime);
        yield return new("date_format", 2, 2, DateFormat);
        yield return new("date_trunc", 2, 2, DateTrunc);
        yield return new("year", 1, 1, a => Part(a, static t => t.Year));
        yield return new("month", 1, 1, a => Part(a, static t => t.Month));
        yield return new("day", 1, 1, a => Part(a, static t => t.Day));
        yield return new("dayofmonth", 1, 1, a => Part(a, static t => t.Day));
        yield return new("hour", 1, 1, a => Part(a, static t => t.Hour));
        yield return new("minute", 1, 1, a => Part(a, static t => t.Minute));
        yield return new("second", 1, 1, a => Part(a, static t => t.Second));
    }

    private static BoundExpression CurrentTimestamp(FunctionArguments a) =>
        BoundExpression.PerBatch(DataType.Timestamp, new Func<object?[], DateTime?>(static _ => BatchTime.Now));

    /// <summary>Spark's <c>window_time(window)</c>: the event time of a window row, its end minus one microsecond.</summary>
    private static BoundExpression WindowTime(FunctionArguments a)
    {
        if (!a[0].Type.Equals(DataType.Window))
        {
            throw a.TypeError(0, "a window struct (the window column of a windowed aggregation)");
        }
        return a.Result(DataType.Timestamp, Lift.RV(a[0].As<StructValue?>(), TimeWindows.EventTime));
    }

    private static Func<object?[], DateTime?> Time(FunctionArguments a, int index) => a.As(index, DataType.Timestamp).As<DateTime?>();

    private static BoundExpression ToLong(FunctionArguments a, Func<DateTime, long> convert) =>
        a.Result(DataType.Long, Lift.VV(Time(a, 0), t => (long?)convert(t)));

    private static BoundExpression Part(FunctionArguments a, Func<DateTime, int> part) =>
        a.Result(DataType.Int, Lift.VV(Time(a, 0), t => (int?)part(t)));

    /// <summary>to_timestamp(s): a cast; to_timestamp(s, fmt): parsed with the pattern.</summary>
    private static BoundExpression ToTimestamp(FunctionArguments a)
    {
        if (a.Count == 1)
        {
            return Casts.IsSupported(a[0].Type, DataType.Timestamp) ? Casts.Apply(a[0], DataType.Timestamp) : throw a.TypeError(0, "type string or timestamp");
        }
        var format = Format(a, 1);
        return a.Result(DataType.Timestamp, Lift.RV(a.As(0, DataType.String).As<string?>(), s => DateTimePatterns.Parse(s, format)));
    }

    /// <summary>unix_timestamp(ts) or unix_timestamp(s[, fmt]) with the default pattern yyyy-MM-dd HH:mm:ss: seconds.</summary>
    private static BoundExpression UnixTimestamp(FunctionArguments a)
    {
        if (a.Count == 0)
        {
            return BoundExpression.PerBatch(DataType.Long, new Func<object?[], long?>(static _ => Timestamps.ToSeconds(BatchTime.Now)));
        }
        if (a[0].Type.Kind is DataTypeKind.Timestamp or DataTypeKind.Null && a.Count == 1)
        {
            return ToLong(a, Timestamps.ToSeconds);
        }
        var format = a.Count > 1 ? Format(a, 1) : Translate(a, DateTimePatterns.Default);
        return a.Result(DataType.Long, Lift.RV(a.As(0, DataType.String).As<string?>(),
            s => DateTimePatterns.Parse(s, format) is { } t ? Timestamps.ToSeconds(t) : (long?)null));
    }

    private static BoundExpression FromUnixTime(FunctionArguments a)
    {
        var format = a.Count > 1 ? Format(a, 1) : Translate(a, DateTimePatterns.Default);
        return a.Result(DataType.String, Lift.VR(a.As(0, DataType.Long).As<long?>(),
            seconds => Timestamps.FromSeconds(seconds) is { } t ? DateTimePatterns.Format(t, format) : null));
    }

    private static BoundExpression DateFormat(FunctionArguments a)
    {
        var format = Format(a, 1);
        return a.Result(DataType.String, Lift.VR(Time(a, 0), t => DateTimePatterns.Format(t, format)));
    }

    /// <summary>date_trunc(unit, ts): YEAR, QUARTER, MONTH, WEEK (to Monday), DAY, HOUR, MINUTE, SECOND, MILLISECOND.</summary>
    private static BoundExpression DateTrunc(FunctionArguments a)
    {
        var unit = a.Constant<string>(0, DataType.String, "the unit").Trim().ToUpperInvariant();
        Func<DateTime, DateTime> truncate = unit switch
        {
            "YEAR" or "YYYY" or "YY" => static t => new DateTime(t.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            "QUARTER" => static t => new DateTime(t.Year, (t.Month - 1) / 3 * 3 + 1, 1, 0, 0, 0, DateTimeKind.Utc),
            "MONTH" or "MM" or "MON" => static t => new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc),
            "WEEK" => static t => t.Date.AddDays(-(((int)t.DayOfWeek + 6) % 7)),
            "DAY" or "DD" => static t => t.Date,
            "HOUR" => static t => Floor(t, TimeSpan.TicksPerHour),
            "MINUTE" => static t => Floor(t, TimeSpan.TicksPerMinute),
            "SECOND" => static t => Floor(t, TimeSpan.TicksPerSecond),
            "MILLISECOND" => static t => Floor(t, TimeSpan.TicksPerMillisecond),
            "MICROSECOND" => static t => Floor(t, TimeSpan.TicksPerMicrosecond),
            _ => throw a.Error($"unknown unit '{unit}' for date_trunc()",
                "use YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND or MICROSECOND"),
        };
        return a.Result(DataType.Timestamp, Lift.VV(Time(a, 1), t => t.Ticks < TimeSpan.TicksPerDay * 7 ? null : (DateTime?)truncate(t)));
    }

    private static DateTime Floor(DateTime t, long unit) => new(t.Ticks - t.Ticks % unit, DateTimeKind.Utc);

    private static string Format(FunctionArguments a, int index) => Translate(a, a.Constant<string>(index, DataType.String, "the format"));

    private static string Translate(FunctionArguments a, string pattern) =>
        DateTimePatterns.TryTranslate(pattern, out var format, out var error) ? format : throw a.Error(error!);
}
