using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Tests.Expressions;

public class ParserTests
{
    [Theory]
    [InlineData("a OR b AND c", "(a OR (b AND c))")]
    [InlineData("a AND b OR c", "((a AND b) OR c)")]
    [InlineData("NOT a = b", "(NOT (a = b))")]
    [InlineData("NOT a AND b", "((NOT a) AND b)")]
    [InlineData("a + b * c", "(a + (b * c))")]
    [InlineData("a - b - c", "((a - b) - c)")]
    [InlineData("a / b % c", "((a / b) % c)")]
    [InlineData("-a * b", "((- a) * b)")]
    [InlineData("a + 1 > b * 2", "((a + 1) > (b * 2))")]
    [InlineData("a = 1 OR b IS NULL AND c IN (1, 2)", "((a = 1) OR ((b IS NULL) AND (c IN (1, 2))))")]
    [InlineData("x BETWEEN 1 AND 2 AND y", "((x BETWEEN 1 AND 2) AND y)")]
    [InlineData("x NOT BETWEEN a + 1 AND b", "(NOT (x BETWEEN (a + 1) AND b))")]
    [InlineData("a NOT IN (1, 2)", "(NOT (a IN (1, 2)))")]
    [InlineData("a NOT LIKE 'x%'", "(NOT a LIKE x%)")]
    [InlineData("a IS NOT NULL", "(a IS NOT NULL)")]
    [InlineData("a IS NOT DISTINCT FROM b", "(a <=> b)")]
    [InlineData("a IS DISTINCT FROM b", "(NOT (a <=> b))")]
    [InlineData("a <> b", "(NOT (a = b))")]
    [InlineData("(a + b) * c", "((a + b) * c)")]
    [InlineData("window.start < ts", "(window.start < ts)")]
    [InlineData("a || b || c", "concat(concat(a, b), c)")]
    [InlineData("CASE WHEN a THEN 1 ELSE 2 END", "CASE WHEN a THEN 1 ELSE 2 END")]
    [InlineData("case x when 1 then 'one' end", "CASE x WHEN 1 THEN one END")]
    [InlineData("cast(a as BIGINT)", "CAST(a AS BIGINT)")]
    [InlineData("UPPER(name)", "upper(name)")]
    public void Parse_FollowsSparkPrecedence(string text, string expected) =>
        Assert.Equal(expected, ExpressionCompiler.Parse(text).ToString());

    [Theory]
    [InlineData("42", 42)]
    [InlineData("-2147483648", int.MinValue)]
    [InlineData("3000000000", 3_000_000_000L)]
    [InlineData("10L", 10L)]
    [InlineData("1.5", 1.5)]
    [InlineData(".5", 0.5)]
    [InlineData("1e3", 1000.0)]
    [InlineData("2D", 2.0)]
    [InlineData("'it''s'", "it's")]
    [InlineData("\"say \"\"hi\"\"\"", "say \"hi\"")]
    [InlineData(@"'a\nb\'c'", "a\nb'c")]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("NULL", null)]
    public void Parse_Literal_HasSparkValueAndType(string text, object? expected)
    {
        var literal = Assert.IsType<Literal>(ExpressionCompiler.Parse(text));
        Assert.Equal(expected, literal.Value);
    }

    [Fact]
    public void Parse_TimestampLiteral_IsUtc() =>
        Assert.Equal(new Literal(new DateTime(2024, 1, 1, 12, 30, 0, DateTimeKind.Utc), DataType.Timestamp) { End = 35 },
            ExpressionCompiler.Parse("TIMESTAMP '2024-01-01 12:30:00'") with { End = 35 });

    [Theory]
    [InlineData("INTERVAL 5 SECONDS", 5)]
    [InlineData("interval '5' second", 5)]
    [InlineData("interval 5 minutes", 300)]
    [InlineData("interval '2 minutes'", 120)]
    [InlineData("INTERVAL 1 hour 30 minutes", 5400)]
    [InlineData("interval -5 seconds", -5)]
    [InlineData("interval '3:30' minute to second", 210)]
    [InlineData("INTERVAL '-3:30' MINUTE TO SECOND", -210)]
    [InlineData("interval '2:30' hour to minute", 9000)]
    [InlineData("interval '1:02:03' hour to second", 3723)]
    [InlineData("interval '1 2' day to hour", 93600)]
    [InlineData("interval '1 2:03' day to minute", 93780)]
    [InlineData("interval '+1 2:03:04' day to second", 93784)]
    public void Parse_Interval_IsFixedDuration(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Assert.IsType<IntervalLiteral>(ExpressionCompiler.Parse(text)).Value);

    [Fact]
    public void Parse_DayTimeInterval_KeepsFractionalSeconds() =>
        Assert.Equal(TimeSpan.FromMilliseconds(61_500.25), Assert.IsType<IntervalLiteral>(ExpressionCompiler.Parse("interval '1:1.50025' minute to second")).Value);

    [Fact]
    public void Parse_BackquotedName_IsColumnEvenWhenKeyword()
    {
        Assert.Equal("weird name", Assert.IsType<ColumnRef>(ExpressionCompiler.Parse("`weird name`")).Name);
        Assert.Equal("end", Assert.IsType<ColumnRef>(ExpressionCompiler.Parse("`end`")).Name);
        Assert.Equal("a`b", Assert.IsType<ColumnRef>(ExpressionCompiler.Parse("`a``b`")).Name);
    }

    [Fact]
    public void Parse_TimestampAndIntervalWithoutLiteral_AreColumns()
    {
        Assert.Equal("timestamp", Assert.IsType<ColumnRef>(ExpressionCompiler.Parse("timestamp")).Name);
        Assert.Equal("(interval + 1)", ExpressionCompiler.Parse("interval + 1").ToString());
        Assert.Equal("(interval - 1)", ExpressionCompiler.Parse("interval - 1").ToString());
    }

    [Fact]
    public void Parse_BareEnd_IsAColumn_AsInSparksDefaultParser()
    {
        Assert.Equal("end", Assert.IsType<ColumnRef>(ExpressionCompiler.Parse("end")).Name);
        Assert.Equal("(end - start)", ExpressionCompiler.Parse("end - start").ToString());
        Assert.Equal("CASE WHEN (end > 1) THEN end ELSE 0 END", ExpressionCompiler.Parse("CASE WHEN end > 1 THEN end ELSE 0 END").ToString());
    }

    [Fact]
    public void Parse_FieldAccess_AcceptsKeywordFieldNames()
    {
        var access = Assert.IsType<FieldAccess>(ExpressionCompiler.Parse("window.end"));
        Assert.Equal("end", access.Field);
        Assert.Equal("window", Assert.IsType<ColumnRef>(access.Target).Name);
    }

    [Fact]
    public void Parse_Aggregates_AreAggregateCalls()
    {
        var countStar = Assert.IsType<AggregateCall>(ExpressionCompiler.Parse("COUNT(*)"));
        Assert.Equal(("count", null, false), (countStar.Name, countStar.Argument, countStar.Distinct));
        var distinct = Assert.IsType<AggregateCall>(ExpressionCompiler.Parse("count(DISTINCT user_id)"));
        Assert.Equal(("count", true), (distinct.Name, distinct.Distinct));
        Assert.Equal("user_id", Assert.IsType<ColumnRef>(distinct.Argument).Name);
        foreach (var name in new[] { "sum", "avg", "min", "max", "first", "last", "approx_count_distinct" })
        {
            Assert.Equal(name, Assert.IsType<AggregateCall>(ExpressionCompiler.Parse($"{name}(amount)")).Name);
        }
    }

    [Theory]
    [InlineData("sum(amount) / count(*)", true)]
    [InlineData("coalesce(max(x), 0)", true)]
    [InlineData("upper(name)", false)]
    [InlineData("window(ts, '5 minutes')", false)]
    public void ContainsAggregate_FindsAggregatesAnywhere(string text, bool expected) =>
        Assert.Equal(expected, ExpressionCompiler.ContainsAggregate(ExpressionCompiler.Parse(text)));

    [Fact]
    public void Parse_Window_ParsesDurations()
    {
        var tumbling = Assert.IsType<WindowExpr>(ExpressionCompiler.Parse("window(event_time, '10 seconds')"));
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), true), (tumbling.Size, tumbling.Slide, tumbling.IsTumbling));
        var sliding = Assert.IsType<WindowExpr>(ExpressionCompiler.Parse("window(event_time, '10 minutes', interval 5 minutes, '1 minute')"));
        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1), false),
            (sliding.Size, sliding.Slide, sliding.StartOffset, sliding.IsTumbling));
        var session = Assert.IsType<SessionWindowExpr>(ExpressionCompiler.Parse("session_window(event_time, '5 minutes')"));
        Assert.Equal(TimeSpan.FromMinutes(5), session.Gap);
    }

    [Fact]
    public void Parse_WindowDurationAsANumber_IsMicroseconds_AsSparksTimeWindow()
    {
        // DataFrameTimeWindowingSuite "time window in SQL with three expressions including negative start time".
        var window = Assert.IsType<WindowExpr>(ExpressionCompiler.Parse("window(time, '10 seconds', 10000000, '-5 seconds')"));
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(-5)), (window.Slide, window.StartOffset));
        var numeric = Assert.IsType<WindowExpr>(ExpressionCompiler.Parse("window(time, 200000L, 40000, -20000)"));
        Assert.Equal((TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(-20)),
            (numeric.Size, numeric.Slide, numeric.StartOffset));
    }

    [Theory]
    [InlineData("'x sec'")]
    [InlineData("'-5 seconds'")]
    [InlineData("'0 seconds'")]
    public void Parse_SessionGapLiteralThatIsNotAPositiveDuration_IsAPerRowGap_ThatDropsEveryRow(string gap)
    {
        // DataFrameSessionWindowingSuite "SPARK-36465: filter out events with invalid gap duration.": Spark casts the
        // literal per row and drops rows whose gap is not a positive interval; the query is not refused.
        var session = Assert.IsType<SessionWindowExpr>(ExpressionCompiler.Parse($"session_window(t, {gap})"));
        Assert.IsType<Literal>(session.GapExpression);
    }

    [Fact]
    public void Parse_Alias_WrapsTheExpression()
    {
        var alias = Assert.IsType<AliasExpr>(ExpressionCompiler.Parse("sum(amount) AS revenue"));
        Assert.Equal("revenue", alias.Name);
        Assert.IsType<AggregateCall>(alias.Inner);
    }

    [Fact]
    public void Parse_Nodes_RecordTheirSourceRange()
    {
        var sum = Assert.IsType<BinaryExpr>(ExpressionCompiler.Parse("a + upper(b)"));
        Assert.Equal((4, 12), (sum.Right.Start, sum.Right.End));
    }

    [Theory]
    [InlineData("a + (b * c", "expected ')' at position 10 in 'a + (b * c' (found end of input)", 10)]
    [InlineData("a +", "expected an expression at position 3 in 'a +' (found end of input)", 3)]
    [InlineData("a b", "unexpected 'b' at position 2 in 'a b'", 2)]
    [InlineData("f(a b)", "expected ')' or ',' at position 4 in 'f(a b)' (found 'b')", 4)]
    [InlineData("", "expected an expression at position 0 in '' (found end of input)", 0)]
    [InlineData("a = 'abc", "unterminated string literal starting at position 4 in 'a = 'abc'", 4)]
    [InlineData("a # b", "unexpected character '#' at position 2 in 'a # b'", 2)]
    [InlineData("CASE WHEN a THEN 1", "expected 'END' at position 18 in 'CASE WHEN a THEN 1' (found end of input)", 18)]
    [InlineData("a BETWEEN 1 OR 2", "expected 'AND' at position 12 in 'a BETWEEN 1 OR 2' (found 'OR')", 12)]
    [InlineData("x IS 5", "expected NULL or DISTINCT FROM after IS at position 5 in 'x IS 5' (found '5')", 5)]
    [InlineData("a AND OR b", "expected an expression at position 6 in 'a AND OR b' (found 'OR')", 6)]
    [InlineData("12abc", "invalid number '12a' at position 0 in '12abc'", 0)]
    public void Parse_SyntaxError_NamesPositionAndText(string text, string message, int position)
    {
        var error = Assert.Throws<ExpressionException>(() => ExpressionCompiler.Parse(text));
        Assert.Equal(message, error.Message);
        Assert.Equal(position, error.Position);
    }

    [Theory]
    [InlineData("window(ts, 'ten seconds')", "invalid window duration 'ten seconds' at position 11")]
    [InlineData("window(ts, '5 seconds', '10 seconds')", "The slide duration (10 seconds) must be less than or equal to the windowDuration (5 seconds)")]
    [InlineData("window(ts, '0 seconds')", "The window duration (0 seconds) must be greater than 0")]
    [InlineData("window(ts, '10 seconds', '-1 second')", "The slide duration (-1 seconds) must be greater than 0")]
    [InlineData("window(ts, '10 seconds', '5 seconds', '-5 seconds')", "The absolute value of start time (-5 seconds) must be less than the slideDuration (5 seconds)")]
    [InlineData("window(ts, size)", "expected a window duration as a string such as '10 minutes' at position 11")]
    [InlineData("interval 1 month", "invalid interval '1 month' at position 9 in 'interval 1 month'; months and years are not supported")]
    [InlineData("CAST(x AS decimal(10,2))", "unsupported type 'decimal(10,2)' in CAST at position 10")]
    [InlineData("sum(a, b)", "aggregate function sum takes exactly one argument")]
    [InlineData("upper(DISTINCT a)", "DISTINCT is only allowed in an aggregate function")]
    [InlineData("TIMESTAMP '2024-02-30 00:00:00'", "invalid timestamp literal '2024-02-30 00:00:00' at position 10")]
    [InlineData("2147483648000000000000L", "bigint literal 2147483648000000000000L is out of range")]
    [InlineData("interval '3:60' minute to second", "invalid interval '3:60' minute TO second at position 9 in 'interval '3:60' minute to second'; expected DAY, HOUR or MINUTE TO a smaller unit")]
    [InlineData("interval '3:30:00' minute to second", "invalid interval '3:30:00' minute TO second at position 9")]
    [InlineData("interval '1 24' day to hour", "invalid interval '1 24' day TO hour at position 9")]
    [InlineData("interval '3:30' second to minute", "invalid interval '3:30' second TO minute at position 9")]
    [InlineData("interval '1-2' year to month", "invalid interval '1-2' year TO month at position 9")]
    [InlineData("interval 99999999999999 weeks", "interval '99999999999999 weeks' at position 9 in 'interval 99999999999999 weeks' is too large")]
    public void Parse_InvalidSpecialForm_ExplainsTheProblem(string text, string expectedStart) =>
        Assert.StartsWith(expectedStart, Assert.Throws<ExpressionException>(() => ExpressionCompiler.Parse(text)).Message);
}
