namespace Sluice.Tests.Expressions;

public class CastTests
{
    [Theory]
    [InlineData("CAST('42' AS int)", 42)]
    [InlineData("CAST(' 42 ' AS int)", 42)]
    [InlineData("CAST('+42' AS integer)", 42)]
    [InlineData("CAST('1.9' AS int)", 1)]
    [InlineData("CAST('-1.9' AS int)", -1)]
    [InlineData("CAST('3000000000' AS bigint)", 3_000_000_000L)]
    [InlineData("CAST('3000000000' AS long)", 3_000_000_000L)]
    [InlineData("CAST('1e3' AS double)", 1000.0)]
    [InlineData("CAST('  2.5' AS float)", 2.5)]
    [InlineData("CAST('inf' AS double)", double.PositiveInfinity)]
    [InlineData("CAST('yes' AS boolean)", true)]
    [InlineData("CAST(' F ' AS boolean)", false)]
    [InlineData("CAST('0' AS boolean)", false)]
    public void Cast_FromString_Parses(string expression, object expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("CAST('abc' AS int)")]
    [InlineData("CAST('' AS int)")]
    [InlineData("CAST('3000000000' AS int)")]
    [InlineData("CAST('1e3' AS int)")]
    [InlineData("CAST('1.2.3' AS bigint)")]
    [InlineData("CAST('x' AS double)")]
    [InlineData("CAST('maybe' AS boolean)")]
    [InlineData("CAST('not a date' AS timestamp)")]
    [InlineData("CAST('2024-13-01' AS timestamp)")]
    [InlineData("CAST('2024-02-30 00:00:00' AS timestamp)")]
    [InlineData("CAST('2024-01-01 25:00:00' AS timestamp)")]
    [InlineData("CAST(nothing AS int)")]
    [InlineData("CAST(NULL AS timestamp)")]
    public void Cast_OfUnparsableString_IsNull(string expression) => Assert.Null(Eval.Value(expression));

    [Theory]
    [InlineData("CAST(2.9 AS int)", 2)]
    [InlineData("CAST(-2.9 AS int)", -2)]
    [InlineData("CAST(1e20 AS int)", int.MaxValue)]
    [InlineData("CAST(-1e20 AS bigint)", long.MinValue)]
    [InlineData("CAST(CAST('NaN' AS double) AS int)", 0)]
    [InlineData("CAST(3000000000L AS int)", -1294967296)]
    [InlineData("CAST(id AS bigint)", 7L)]
    [InlineData("CAST(id AS double)", 7.0)]
    [InlineData("CAST(true AS int)", 1)]
    [InlineData("CAST(false AS double)", 0.0)]
    [InlineData("CAST(0 AS boolean)", false)]
    [InlineData("CAST(-3 AS boolean)", true)]
    [InlineData("CAST(0.5 AS boolean)", true)]
    public void Cast_BetweenNumbersAndBooleans_TruncatesAndSaturates(string expression, object expected) =>
        Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("CAST(id AS string)", "7")]
    [InlineData("CAST(big AS string)", "10000000000")]
    [InlineData("CAST(amount AS string)", "2.5")]
    [InlineData("CAST(1.0 AS string)", "1.0")]
    [InlineData("CAST(-0.5 AS string)", "-0.5")]
    [InlineData("CAST(1234567.0 AS string)", "1234567.0")]
    [InlineData("CAST(1e7 AS string)", "1.0E7")]
    [InlineData("CAST(12345678.9 AS string)", "1.23456789E7")]
    [InlineData("CAST(0.001 AS string)", "0.001")]
    [InlineData("CAST(0.0001 AS string)", "1.0E-4")]
    [InlineData("CAST(1e300 AS string)", "1.0E300")]
    [InlineData("CAST(CAST('nan' AS double) AS string)", "NaN")]
    [InlineData("CAST(flag AS string)", "true")]
    [InlineData("CAST(ts AS string)", "2024-01-01 00:00:07")]
    [InlineData("CAST(TIMESTAMP '2024-01-01 00:00:07.250' AS string)", "2024-01-01 00:00:07.25")]
    public void Cast_ToString_FormatsAsSpark(string expression, string expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("CAST(ts AS bigint)", 1_704_067_207L)]
    [InlineData("CAST(ts AS int)", 1_704_067_207)]
    [InlineData("CAST(ts AS double)", 1_704_067_207.0)]
    [InlineData("CAST(TIMESTAMP '1969-12-31 23:59:59.5' AS bigint)", -1L)]
    public void Cast_TimestampToNumber_IsSecondsSinceEpoch(string expression, object expected) =>
        Assert.Equal(expected, Eval.Value(expression));

    public static readonly TheoryData<string, DateTime> ToTimestamp = new()
    {
        { "CAST(1704067207 AS timestamp)", Eval.Ts },
        { "CAST(1704067207L AS timestamp)", Eval.Ts },
        { "CAST(1.5 AS timestamp)", Eval.Utc("1970-01-01 00:00:01.5") },
        { "CAST('2024-01-01T00:00:07Z' AS timestamp)", Eval.Ts },
        { "CAST('2024-01-01 00:00:07' AS timestamp)", Eval.Ts },
        { "CAST(' 2024-01-01 00:00:07.000 ' AS timestamp)", Eval.Ts },
        { "CAST('2024-01-01T02:00:07+02:00' AS timestamp)", Eval.Ts },
        { "CAST('2024-01-01 00:00:07 UTC' AS timestamp)", Eval.Ts },
        { "CAST('2024-01-01' AS timestamp)", Eval.Utc("2024-01-01 00:00:00") },
        { "CAST('2024-1-5 3:04' AS timestamp)", Eval.Utc("2024-01-05 03:04:00") },
        { "CAST('2024-01-01 00:00:00.123456' AS timestamp)", Eval.Utc("2024-01-01 00:00:00.123456") },
    };

    [Theory]
    [MemberData(nameof(ToTimestamp))]
    public void Cast_ToTimestamp_ParsesIsoAndEpochSeconds(string expression, DateTime expected)
    {
        var value = Assert.IsType<DateTime>(Eval.Value(expression));
        Assert.Equal(expected, value);
        Assert.Equal(DateTimeKind.Utc, value.Kind);
    }

    [Theory]
    [InlineData("CAST(id AS long)", "bigint")]
    [InlineData("CAST(id AS float)", "double")]
    [InlineData("CAST(id AS varchar(10))", "string")]
    [InlineData("CAST(NULL AS int)", "int")]
    public void Cast_ResultType_IsTheTargetType(string expression, string type) => Assert.Equal(type, Eval.TypeOf(expression).ToString());

    [Theory]
    [InlineData("CAST(ts AS boolean)", "cannot cast 'ts' from timestamp to boolean in 'CAST(ts AS boolean)'")]
    [InlineData("CAST(flag AS timestamp)", "cannot cast 'flag' from boolean to timestamp in 'CAST(flag AS timestamp)'")]
    [InlineData("CAST(window AS string)", "cannot cast 'window' from struct<start:timestamp,end:timestamp> to string in 'CAST(window AS string)'")]
    public void Cast_Unsupported_IsACompileError(string expression, string message) => Assert.Equal(message, Eval.Error(expression));
}
