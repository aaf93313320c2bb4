using Sluice.Data;

namespace Sluice.Tests.Expressions;

public class TimeTests
{
    public static readonly TheoryData<string, string> Shifted = new()
    {
        { "ts + INTERVAL 5 SECONDS", "2024-01-01 00:00:12" },
        { "ts - interval '5' second", "2024-01-01 00:00:02" },
        { "ts + interval 1 hour 30 minutes", "2024-01-01 01:30:07" },
        { "INTERVAL 1 DAY + ts", "2024-01-02 00:00:07" },
        { "ts - interval '2 minutes'", "2023-12-31 23:58:07" },
        { "ts + (interval 1 minute - interval 10 seconds)", "2024-01-01 00:00:57" },
        { "ts - -interval 3 seconds", "2024-01-01 00:00:10" },
        { "ts + interval 500 milliseconds", "2024-01-01 00:00:07.5" },
        { "'2024-01-01 00:00:00' + INTERVAL 1 SECOND", "2024-01-01 00:00:01" },
        { "window.start + interval 1 minute", "2024-01-01 00:01:00" },
    };

    [Theory]
    [MemberData(nameof(Shifted))]
    public void IntervalArithmetic_ShiftsTimestamps(string expression, string expected) =>
        Assert.Equal(Eval.Utc(expected), Eval.Value(expression));

    [Fact]
    public void IntervalArithmetic_OnNullOrOutOfRange_IsNull()
    {
        Assert.Null(Eval.Value("CAST(nothing AS timestamp) + INTERVAL 1 SECOND"));
        Assert.Null(Eval.Value("TIMESTAMP '0001-01-01 00:00:00' - INTERVAL 1 DAY"));
        Assert.Equal(DataType.Timestamp, Eval.TypeOf("NULL + INTERVAL 1 DAY"));
    }

    [Theory]
    [InlineData("INTERVAL 5 SECONDS", "the interval 'INTERVAL 5 SECONDS' can only be added to or subtracted from a timestamp in 'INTERVAL 5 SECONDS'")]
    [InlineData("id + INTERVAL 5 SECONDS", "an interval can only be added to or subtracted from a timestamp, but 'id' is of type int in 'id + INTERVAL 5 SECONDS'")]
    [InlineData("INTERVAL 5 SECONDS - ts", "cannot subtract 'ts' from an interval ('INTERVAL 5 SECONDS - ts') in 'INTERVAL 5 SECONDS - ts'")]
    public void IntervalArithmetic_OutsideTimestampPlusMinus_IsACompileError(string expression, string message) =>
        Assert.Equal(message, Eval.Error(expression));

    public static readonly TheoryData<string, string, string> Windows = new()
    {
        { "window(ts, '5 seconds')", "2024-01-01 00:00:05", "2024-01-01 00:00:10" },
        { "window(ts, '10 seconds')", "2024-01-01 00:00:00", "2024-01-01 00:00:10" },
        { "window(ts, '1 hour')", "2024-01-01 00:00:00", "2024-01-01 01:00:00" },
        { "window(ts, '10 seconds', '10 seconds', '3 seconds')", "2024-01-01 00:00:03", "2024-01-01 00:00:13" },
        { "window(TIMESTAMP '1969-12-31 23:59:53', '10 seconds')", "1969-12-31 23:59:50", "1970-01-01 00:00:00" },
        { "window('2024-01-01 00:00:59', interval 1 minute)", "2024-01-01 00:00:00", "2024-01-01 00:01:00" },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void TumblingWindow_ContainsTheTimestamp(string expression, string start, string end)
    {
        Assert.Equal(new StructValue([Eval.Utc(start), Eval.Utc(end)]), Eval.Value(expression));
        Assert.Equal(DataType.Window, Eval.TypeOf(expression));
    }

    [Fact]
    public void TumblingWindow_FieldsAndNulls()
    {
        Assert.Equal(Eval.Utc("2024-01-01 00:00:05"), Eval.Value("window(ts, '5 seconds').start"));
        Assert.Equal(Eval.Utc("2024-01-01 00:00:10"), Eval.Value("window(ts, '5 seconds').END"));
        Assert.Null(Eval.Value("window(CAST(nothing AS timestamp), '5 seconds')"));
        Assert.Null(Eval.Value("window(CAST(nothing AS timestamp), '5 seconds').start"));
    }

    [Theory]
    [InlineData("window(ts, '10 seconds', '5 seconds')", "sliding window(ts, '10 seconds', '5 seconds') is only allowed as a groupBy key (Sluice does not expand a row into one row per window, as Spark's select does); group by it, or use a tumbling window here in 'window(ts, '10 seconds', '5 seconds')'")]
    [InlineData("session_window(ts, '5 minutes')", "session_window(ts, '5 minutes') is only allowed as a groupBy key in 'session_window(ts, '5 minutes')'; group by it and another key (Sluice does not compute a row's own session outside a grouping, as Spark's select does)")]
    [InlineData("window(id, '5 seconds')", "the time column of window() must be of type timestamp, but 'id' is of type int in 'window(id, '5 seconds')'")]
    [InlineData("window.middle", "no field 'middle' in 'window' of type struct<start:timestamp,end:timestamp> in 'window.middle'; available fields: start, end")]
    [InlineData("name.first", "cannot read field 'first' of 'name', which is of type string, not a struct in 'name.first'")]
    public void Windows_OutsideTheirContext_AreCompileErrors(string expression, string message) =>
        Assert.Equal(message, Eval.Error(expression));

    public static readonly TheoryData<string, object?> Functions = new()
    {
        { "to_timestamp('2024-01-01 00:00:07')", Eval.Ts },
        { "to_timestamp('01/02/2024 10:30', 'MM/dd/yyyy HH:mm')", Eval.Utc("2024-01-02 10:30:00") },
        { "to_timestamp('2024-01-01T00:00:07.250Z', 'yyyy-MM-dd''T''HH:mm:ss.SSSX')", Eval.Utc("2024-01-01 00:00:07.25") },
        { "to_timestamp('garbage', 'yyyy-MM-dd')", null },
        { "to_timestamp(nothing)", null },
        { "to_timestamp(ts)", Eval.Ts },
        { "unix_timestamp(ts)", 1_704_067_207L },
        { "unix_timestamp('2024-01-01 00:00:07')", 1_704_067_207L },
        { "unix_timestamp('2024/01/01', 'yyyy/MM/dd')", 1_704_067_200L },
        { "unix_timestamp('2024-01-01T00:00:07Z')", null },
        { "unix_seconds(ts)", 1_704_067_207L },
        { "unix_millis(ts + interval 250 milliseconds)", 1_704_067_207_250L },
        { "unix_micros(ts)", 1_704_067_207_000_000L },
        { "timestamp_seconds(1704067207)", Eval.Ts },
        { "timestamp_millis(1704067207000)", Eval.Ts },
        { "from_unixtime(0)", "1970-01-01 00:00:00" },
        { "from_unixtime(1704067207, 'yyyy-MM-dd''T''HH:mm')", "2024-01-01T00:00" },
        { "date_format(ts, 'yyyy/MM/dd HH:mm:ss')", "2024/01/01 00:00:07" },
        { "date_trunc('HOUR', ts + interval 90 minutes)", Eval.Utc("2024-01-01 01:00:00") },
        { "date_trunc('month', ts + interval 40 days)", Eval.Utc("2024-02-01 00:00:00") },
        { "date_trunc('week', ts)", Eval.Utc("2024-01-01 00:00:00") },
        { "date_trunc('week', ts - interval 1 day)", Eval.Utc("2023-12-25 00:00:00") },
        { "year(ts)", 2024 },
        { "month(ts)", 1 },
        { "dayofmonth(ts)", 1 },
        { "hour(ts + interval 5 hours)", 5 },
        { "minute(ts)", 0 },
        { "second(ts)", 7 },
    };

    [Theory]
    [MemberData(nameof(Functions))]
    public void TimestampFunctions_ComputeInUtc(string expression, object? expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("current_date()", "function current_date() is not supported: it returns a DATE and Sluice has no date type in 'current_date()'; use date_trunc('DAY', current_timestamp()), the batch's day as a timestamp (UTC)")]
    [InlineData("curdate()", "function curdate() is not supported: it returns a DATE and Sluice has no date type in 'curdate()'; use date_trunc('DAY', current_timestamp()), the batch's day as a timestamp (UTC)")]
    [InlineData("localtimestamp()", "function localtimestamp() is not supported: it returns a TIMESTAMP_NTZ and Sluice has no timestamp without time zone in 'localtimestamp()'; use current_timestamp() (UTC)")]
    [InlineData("current_timestamp(ts)", "function current_timestamp() takes 0 arguments, but 1 was given ('current_timestamp(ts)') in 'current_timestamp(ts)'")]
    [InlineData("date_trunc('fortnight', ts)", "unknown unit 'FORTNIGHT' for date_trunc() in 'date_trunc('fortnight', ts)'; use YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND or MICROSECOND")]
    [InlineData("date_format(ts, 'yyyy-QQ')", "unsupported letter 'Q' in the datetime pattern 'yyyy-QQ' in 'date_format(ts, 'yyyy-QQ')'")]
    [InlineData("to_timestamp(name, name)", "the format ('name') of to_timestamp() must be a constant in 'to_timestamp(name, name)'")]
    [InlineData("to_timestamp(flag)", "argument 1 of to_timestamp() must be of type string or timestamp, but 'flag' is of type boolean in 'to_timestamp(flag)'")]
    public void TimestampFunctions_WithBadArguments_AreCompileErrors(string expression, string message) =>
        Assert.Equal(message, Eval.Error(expression));
}
