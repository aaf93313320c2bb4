using System.Text;
using Sluice.Data;
using Sluice.Sources.Parsing;

namespace Sluice.Tests.Sources;

public class JsonRowParserTests
{
    private static readonly StreamSchema AllTypes = new(
    [
        new Column("s", DataType.String),
        new Column("i", DataType.Int),
        new Column("l", DataType.Long),
        new Column("d", DataType.Double),
        new Column("b", DataType.Boolean),
        new Column("t", DataType.Timestamp),
        new Column("bin", DataType.Binary),
    ]);

    private static readonly StreamSchema WithCorrupt = new(
    [
        new Column("id", DataType.Long),
        new Column("name", DataType.String),
        new Column(JsonRowParser.CorruptRecordColumn, DataType.String),
    ]);

    private static (ParseOutcome Outcome, object?[] Row) Parse(StreamSchema schema, string json, ParseMode mode = ParseMode.Permissive)
    {
        var row = new object?[schema.Count];
        var outcome = new JsonRowParser(schema, mode).Parse(Encoding.UTF8.GetBytes(json), row, "test record 1");
        return (outcome, row);
    }

    [Fact]
    public void Parse_EveryType_GivesClrValues()
    {
        var (outcome, row) = Parse(AllTypes,
            """{"s":"hi","i":42,"l":9000000000,"d":1.5,"b":true,"t":"2024-01-01T00:00:00Z","bin":"AQID"}""");

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal("hi", row[0]);
        Assert.Equal(42, row[1]);
        Assert.Equal(9000000000L, row[2]);
        Assert.Equal(1.5, row[3]);
        Assert.Equal(true, row[4]);
        Assert.Equal(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), row[5]);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)row[5]!).Kind);
        Assert.Equal(new byte[] { 1, 2, 3 }, row[6]);
    }

    [Theory]
    [InlineData("{'id': 7, 'name': 'keep2'}", "keep2")]
    [InlineData("{'id': 7, \"name\": 'it\\'s'}", "it's")]
    [InlineData("{'id': 7, 'name': 'say \"hi\"'}", "say \"hi\"")]
    public void Parse_SingleQuotedNamesAndStrings_ReadAsSparksAllowSingleQuotes(string json, string name)
    {
        var (outcome, row) = Parse(WithCorrupt, json);

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal(7L, row[0]);
        Assert.Equal(name, row[1]);
        Assert.Null(row[2]);
    }

    [Fact]
    public void Parse_SingleQuotedRecordThatIsStillMalformed_KeepsItsOwnText()
    {
        var (outcome, row) = Parse(WithCorrupt, "{'id': 'x', 'name': 'a'");

        Assert.Equal(ParseOutcome.Malformed, outcome);
        Assert.Equal("{'id': 'x', 'name': 'a'", row[2]);
    }

    [Fact]
    public void Parse_NullsAndMissingFields_GiveNullWithoutMalformed()
    {
        var (outcome, row) = Parse(AllTypes, """{"s":null,"i":null,"d":2}""");

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal([null, null, null, 2.0, null, null, null], row);
    }

    [Fact]
    public void Parse_FieldNamesInAnyOrderAndCase_MatchColumns()
    {
        var (outcome, row) = Parse(AllTypes, """{"B":false,"I":7,"S":"x","unknown":{"deep":[1,2]},"L":1}""");

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal("x", row[0]);
        Assert.Equal(7, row[1]);
        Assert.Equal(1L, row[2]);
        Assert.Equal(false, row[4]);
    }

    [Fact]
    public void Parse_EscapedFieldNameAndValue_AreDecoded()
    {
        var (outcome, row) = Parse(AllTypes, """{"\u0073":"a\"b\u00e9","t":"2024-01-01T00:00:00\u005A"}""");

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal("a\"bé", row[0]);
        Assert.Equal(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), row[5]);
    }

    [Theory]
    [InlineData("""{"s":123}""", "123")]
    [InlineData("""{"s":1.50}""", "1.50")]
    [InlineData("""{"s":true}""", "true")]
    [InlineData("""{"s":{"a": [1, 2]}}""", """{"a": [1, 2]}""")]
    [InlineData("""{"s":[1,"x"]}""", """[1,"x"]""")]
    public void Parse_NonStringForStringColumn_KeepsRawText(string json, string expected)
    {
        var (outcome, row) = Parse(AllTypes, json);

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal(expected, row[0]);
    }

    [Theory]
    [InlineData("""{"i":1.5}""", 1)]
    [InlineData("""{"i":3000000000}""", 1)]
    [InlineData("""{"i":"12"}""", 1)]
    [InlineData("""{"l":1e3}""", 2)]
    [InlineData("""{"l":99999999999999999999}""", 2)]
    [InlineData("""{"d":"1.5"}""", 3)]
    [InlineData("""{"b":"true"}""", 4)]
    [InlineData("""{"b":1}""", 4)]
    [InlineData("""{"t":"yesterday"}""", 5)]
    [InlineData("""{"t":true}""", 5)]
    [InlineData("""{"bin":"not base64!"}""", 6)]
    [InlineData("""{"i":{"nested":1}}""", 1)]
    public void Parse_ValueThatDoesNotFitItsColumn_IsMalformedWithThatFieldNull(string json, int column)
    {
        var (outcome, row) = Parse(AllTypes, json);

        Assert.Equal(ParseOutcome.Malformed, outcome);
        Assert.Null(row[column]);
    }

    [Fact]
    public void Parse_OneBadField_KeepsTheOtherFields()
    {
        var (outcome, row) = Parse(AllTypes, """{"s":"kept","i":"bad","l":5,"d":{"x":1},"b":true}""");

        Assert.Equal(ParseOutcome.Malformed, outcome);
        Assert.Equal(["kept", null, 5L, null, true, null, null], row);
    }

    [Fact]
    public void Parse_IntegralNumbersInRange_FitIntAndBigint()
    {
        var (outcome, row) = Parse(AllTypes, """{"i":-2147483648,"l":-9223372036854775808,"d":7}""");

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal(int.MinValue, row[1]);
        Assert.Equal(long.MinValue, row[2]);
        Assert.Equal(7.0, row[3]);
    }

    [Theory]
    [InlineData("NaN", double.NaN)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("+INF", double.PositiveInfinity)]
    public void Parse_NonNumericDoubleNames_AreAccepted(string text, double expected)
    {
        var (outcome, row) = Parse(AllTypes, $$"""{"d":"{{text}}"}""");

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal(expected, row[3]);
    }

    [Theory]
    [InlineData("\"2024-01-01T00:00:00Z\"", "2024-01-01T00:00:00.0000000Z")]
    [InlineData("\"2024-01-01 00:00:00\"", "2024-01-01T00:00:00.0000000Z")]
    [InlineData("\"2024-03-05T10:20:30.123456789Z\"", "2024-03-05T10:20:30.1234567Z")]
    [InlineData("\"2024-03-05T12:20:30.5+02:00\"", "2024-03-05T10:20:30.5000000Z")]
    [InlineData("\"2024-03-05T05:20:30-0500\"", "2024-03-05T10:20:30.0000000Z")]
    [InlineData("\"2024-03-05 10:20\"", "2024-03-05T10:20:00.0000000Z")]
    [InlineData("\"2024-03-05\"", "2024-03-05T00:00:00.0000000Z")]
    [InlineData("\"2024-3-5T10:20:30 UTC\"", "2024-03-05T10:20:30.0000000Z")]
    [InlineData("1704067200", "2024-01-01T00:00:00.0000000Z")]
    [InlineData("1704067200.25", "2024-01-01T00:00:00.2500000Z")]
    [InlineData("0", "1970-01-01T00:00:00.0000000Z")]
    public void Parse_Timestamp_AcceptsIsoStringsAndEpochSeconds(string json, string expectedUtc)
    {
        var (outcome, row) = Parse(AllTypes, $$"""{"t":{{json}}}""");

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal(DateTime.Parse(expectedUtc, null, System.Globalization.DateTimeStyles.AdjustToUniversal), row[5]);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)row[5]!).Kind);
    }

    [Theory]
    [InlineData("2024-13-01T00:00:00Z")]
    [InlineData("2024-02-30")]
    [InlineData("2024-01-01T24:00:00")]
    [InlineData("2024-01-01T10:00:00+25:00")]
    [InlineData("12:00")]
    [InlineData("01/02/2024")]
    public void Parse_InvalidTimestampText_IsMalformed(string text)
    {
        var (outcome, row) = Parse(AllTypes, $$"""{"t":"{{text}}"}""");

        Assert.Equal(ParseOutcome.Malformed, outcome);
        Assert.Null(row[5]);
    }

    [Fact]
    public void Permissive_Malformed_PutsRawTextInCorruptRecordColumn()
    {
        const string json = """{"id":"seven","name":"x"}""";

        var (outcome, row) = Parse(WithCorrupt, json);

        Assert.Equal(ParseOutcome.Malformed, outcome);
        Assert.Equal([null, "x", json], row);
    }

    [Fact]
    public void Permissive_WellFormed_LeavesCorruptRecordNullAndNeverReadsItFromJson()
    {
        var (outcome, row) = Parse(WithCorrupt, """{"id":7,"name":"x","_corrupt_record":"from json"}""");

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal([7L, "x", null], row);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"id":7,"name":"tru""")]
    [InlineData("[1,2,3]")]
    [InlineData("42")]
    [InlineData("")]
    [InlineData("""{"id":7} trailing""")]
    public void Permissive_NotAJsonObject_GivesAllFieldsNullAndTheText(string text)
    {
        var (outcome, row) = Parse(WithCorrupt, text);

        Assert.Equal(ParseOutcome.Malformed, outcome);
        Assert.Equal([null, null, text], row);
    }

    [Fact]
    public void Permissive_WithoutCorruptRecordColumn_KeepsTheRowWithNulls()
    {
        var (outcome, row) = Parse(AllTypes, "garbage");

        Assert.Equal(ParseOutcome.Malformed, outcome);
        Assert.All(row, Assert.Null);
    }

    [Fact]
    public void DropMalformed_Malformed_IsDropped()
    {
        var (outcome, _) = Parse(WithCorrupt, """{"id":"seven"}""", ParseMode.DropMalformed);

        Assert.Equal(ParseOutcome.Dropped, outcome);
    }

    [Fact]
    public void DropMalformed_WellFormed_IsKept()
    {
        var (outcome, row) = Parse(WithCorrupt, """{"id":1,"name":"a"}""", ParseMode.DropMalformed);

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal([1L, "a", null], row);
    }

    [Fact]
    public void FailFast_Malformed_ThrowsNamingPositionFieldTextAndRemedy()
    {
        var parser = new JsonRowParser(WithCorrupt, ParseMode.FailFast);
        var row = new object?[WithCorrupt.Count];

        var e = Assert.Throws<MalformedRecordException>(
            () => parser.Parse("""{"id":"seven","name":"x"}"""u8, row, "topic events partition 2 offset 17"));

        Assert.Equal("topic events partition 2 offset 17", e.Position);
        Assert.Contains("topic events partition 2 offset 17", e.Message, StringComparison.Ordinal);
        Assert.Contains("field 'id' (bigint) got a string", e.Message, StringComparison.Ordinal);
        Assert.Contains("""'{"id":"seven","name":"x"}'""", e.Message, StringComparison.Ordinal);
        Assert.Contains("PERMISSIVE", e.Message, StringComparison.Ordinal);
        Assert.Contains("DROPMALFORMED", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FailFast_LongGarbage_ShowsOnlyTheStartOfTheText()
    {
        var parser = new JsonRowParser(WithCorrupt, ParseMode.FailFast);
        var text = new string('x', 5000);

        var e = Assert.Throws<MalformedRecordException>(() => parser.Parse(Encoding.UTF8.GetBytes(text), new object?[3], "p"));

        Assert.Equal($"'{new string('x', 200)}...'", e.Snippet);
        Assert.Contains("not valid JSON", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FailFast_WellFormed_DoesNotDescribeThePosition()
    {
        var parser = new JsonRowParser(WithCorrupt, ParseMode.FailFast);
        var described = 0;

        var outcome = parser.Parse("""{"id":1}"""u8, new object?[3], 0, _ => $"{++described}");

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal(0, described);
    }

    [Fact]
    public void Parse_ReusedRow_ClearsValuesOfThePreviousRecord()
    {
        var parser = new JsonRowParser(WithCorrupt, ParseMode.Permissive);
        var row = new object?[3];
        parser.Parse("""{"id":1,"name":"first"}"""u8, row, "p");

        parser.Parse("""{"id":2}"""u8, row, "p");

        Assert.Equal([2L, null, null], row);
    }

    [Fact]
    public void Constructor_NonStringCorruptRecordColumn_IsRefused()
    {
        var schema = new StreamSchema([new Column(JsonRowParser.CorruptRecordColumn, DataType.Long)]);

        var e = Assert.Throws<ArgumentException>(() => new JsonRowParser(schema, ParseMode.Permissive));

        Assert.Contains("must be a string", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StructAndArrayColumns_ReadNestedValues()
    {
        var schema = new StreamSchema(
        [
            new Column("w", DataType.Window),
            new Column("tags", DataType.Array(DataType.String)),
        ]);

        var (outcome, row) = Parse(schema, """{"w":{"START":"2024-01-01T00:00:00Z","end":null},"tags":["a",1,null]}""");

        Assert.Equal(ParseOutcome.Ok, outcome);
        Assert.Equal(new StructValue([new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), null]), row[0]);
        Assert.Equal(new object?[] { "a", "1", null }, row[1]);
    }

    [Theory]
    [InlineData("permissive", nameof(ParseMode.Permissive))]
    [InlineData("DROPMALFORMED", nameof(ParseMode.DropMalformed))]
    [InlineData("FailFast", nameof(ParseMode.FailFast))]
    [InlineData(null, nameof(ParseMode.Permissive))]
    public void ParseModes_SparkNames_MapToModes(string? name, string expected) =>
        Assert.Equal(Enum.Parse<ParseMode>(expected), ParseModes.Parse(name));

    [Fact]
    public void ParseModes_UnknownName_IsRefusedListingValidNames()
    {
        var e = Assert.Throws<ArgumentException>(() => ParseModes.Parse("LENIENT"));

        Assert.Contains(ParseModes.ValidNames, e.Message, StringComparison.Ordinal);
    }
}
