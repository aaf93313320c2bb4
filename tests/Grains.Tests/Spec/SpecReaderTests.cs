using Sluice.Spec;

namespace Sluice.Tests.Spec;

public class SpecReaderTests
{
    private const string Revenue = """
        {
          "name": "revenue",
          "source": {"kind": "kafka", "bootstrapServers": "localhost:9092", "topic": "events",
                     "startingOffsets": "earliest", "maxOffsetsPerTrigger": 100000, "format": "json",
                     "schema": {"user_id": "string", "amount": "double", "event_time": "timestamp"}},
          "operators": [
            {"op": "filter", "condition": "event_type = 'purchase'"},
            {"op": "withWatermark", "column": "event_time", "delay": "30 seconds"},
            {"op": "groupBy", "keys": ["window(event_time, '5 minutes')", "product_id"], "aggs": ["sum(amount) AS revenue"]}
          ],
          "sink": {"kind": "memory"},
          "outputMode": "append",
          "trigger": {"processingTime": "2 seconds"},
          "checkpointLocation": "checkpoints/revenue"
        }
        """;

    [Fact]
    public void Read_DesignExample_GivesEveryField()
    {
        var spec = SpecReader.Read(Revenue);

        Assert.Equal("revenue", spec.Name);
        Assert.Equal("kafka", spec.Source.Kind);
        Assert.Equal("events", spec.Source.Topic);
        Assert.Equal("earliest", spec.Source.StartingOffsets);
        Assert.Equal(100000, spec.Source.MaxOffsetsPerTrigger);
        Assert.Equal(["user_id", "amount", "event_time"], spec.Source.Schema.Select(c => c.Key));
        Assert.Equal(new FilterSpec("event_type = 'purchase'"), spec.Operators[0]);
        Assert.Equal(new WithWatermarkSpec("event_time", TimeSpan.FromSeconds(30)), spec.Operators[1]);
        var groupBy = Assert.IsType<GroupBySpec>(spec.Operators[2]);
        Assert.Equal(["sum(amount) AS revenue"], groupBy.Aggs);
        Assert.Equal(OutputMode.Append, spec.OutputMode);
        Assert.Equal(TriggerSpec.ProcessingTime(TimeSpan.FromSeconds(2)), spec.Trigger);
        Assert.Equal("checkpoints/revenue", spec.CheckpointLocation);
    }

    [Fact]
    public void Write_ThenRead_GivesAnEqualSpec()
    {
        var spec = SpecReader.Read(Revenue);

        var again = SpecReader.Read(SpecWriter.Write(spec));

        Assert.Equal(SpecWriter.Write(spec), SpecWriter.Write(again));
        Assert.Equal(spec.Operators[0], again.Operators[0]);
        Assert.Equal(spec.Operators[1], again.Operators[1]);
        Assert.Equal(spec.Trigger, again.Trigger);
    }

    [Fact]
    public void Write_PerPartitionStartingOffsets_KeepsThemAsJson()
    {
        var json = Minimal.Replace("OPS", "", StringComparison.Ordinal)
            .Replace("\"kind\": \"memory\", \"schema\"", "\"kind\": \"kafka\", \"topic\": \"t\", \"startingOffsets\": {\"t\": {\"0\": 5}}, \"schema\"", StringComparison.Ordinal);
        var spec = SpecReader.Read(json);

        Assert.Equal("""{"t": {"0": 5}}""", spec.Source.StartingOffsets);
        Assert.Equal(spec.Source.StartingOffsets, SpecReader.Read(SpecWriter.Write(spec)).Source.StartingOffsets);
    }

    private const string Minimal = """
        {"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}}, "operators": [OPS], "sink": {"kind": "memory"}}
        """;

    [Theory]
    [InlineData("""{"op": "fliter", "condition": "a > 1"}""", "$.operators[0].op", "unknown value 'fliter'; expected one of select, filter")]
    [InlineData("""{"op": "withWatermark", "column": "a", "delay": "soon"}""", "$.operators[0].delay", "expected a duration such as")]
    [InlineData("""{"op": "withWatermark", "column": "a", "delay": 10}""", "$.operators[0].delay", "found 10")]
    [InlineData("""{"op": "withWatermark", "column": "a", "delay": "-1 seconds"}""", "$.operators[0].delay", "delay threshold (-1 seconds) should not be negative")]
    [InlineData("""{"op": "select", "columns": "a"}""", "$.operators[0].columns", "expected an array, found \"a\"")]
    [InlineData("""{"op": "select", "columns": []}""", "$.operators[0].columns", "expected a non-empty array")]
    [InlineData("""{"op": "filter"}""", "$.operators[0].condition", "missing required field")]
    [InlineData("""{"op": "filter", "condition": "a > 1", "where": "x"}""", "$.operators[0].where", "unknown field 'where'")]
    public void Read_BadOperator_NamesThePathAndWhatWasExpected(string op, string path, string expected)
    {
        var e = Assert.Throws<SpecException>(() => SpecReader.Read(Minimal.Replace("OPS", op, StringComparison.Ordinal)));

        Assert.Equal(path, e.Path);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"a": "integer32"}}, "sink": {"kind": "memory"}}""", "$.source.schema.a", "unknown type \"integer32\"")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "memory"}, "outputMode": "all"}""", "$.outputMode", "expected one of append, update, complete")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "memory"}, "trigger": {"processingTime": "2 parsecs"}}""", "$.trigger.processingTime", "expected a duration")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "memory"}, "trigger": {"processingTime": "0 seconds"}}""", "$.trigger.processingTime", "expected a duration")]
    [InlineData("""{"name": 7, "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "memory"}}""", "$.name", "expected a string, found 7")]
    [InlineData("""{"source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "memory"}}""", "$.name", "missing required field")]
    [InlineData("""{"name": "q", "source": {"kind": "kafka", "topic": "t", "schema": {"a": "int"}, "maxOffsetsPerTrigger": -5}, "sink": {"kind": "memory"}}""", "$.source.maxOffsetsPerTrigger", "positive whole number")]
    public void Read_BadField_NamesThePathAndWhatWasExpected(string json, string path, string expected)
    {
        var e = Assert.Throws<SpecException>(() => SpecReader.Read(json));

        Assert.Equal(path, e.Path);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"processingTime": "2 seconds", "once": true}""", "processingTime and once")]
    [InlineData("""{"availableNow": true, "manual": true}""", "availableNow and manual")]
    [InlineData("""{"once": true, "availableNow": false}""", "availableNow and once")]
    public void Read_TriggerOfTwoKinds_IsRefusedNamingBoth(string trigger, string kinds)
    {
        var e = Assert.Throws<SpecException>(() => SpecReader.Read($$$"""
            {"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "memory"}, "trigger": {{{trigger}}}}
            """));

        Assert.Equal("$.trigger", e.Path);
        Assert.Equal($"Invalid query spec at $.trigger: a trigger has one kind, found {kinds}; keep one of them", e.Message);
    }

    [Fact]
    public void Read_ZeroWatermarkDelay_IsAllowedAsInSpark()
    {
        var spec = SpecReader.Read(Minimal.Replace("OPS", """{"op": "withWatermark", "column": "a", "delay": "0 seconds"}""", StringComparison.Ordinal));

        Assert.Equal(TimeSpan.Zero, Assert.IsType<WithWatermarkSpec>(Assert.Single(spec.Operators)).Delay);
    }

    [Fact]
    public void Read_NotJson_SaysWhereTheSyntaxBroke()
    {
        var e = Assert.Throws<SpecException>(() => SpecReader.Read("{\"name\": \"q\",\n \"source\": }"));

        Assert.StartsWith("$ (line 2", e.Path, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10 seconds", 10_000)]
    [InlineData("1 second", 1_000)]
    [InlineData("5 minutes", 300_000)]
    [InlineData("100 ms", 100)]
    [InlineData("1 hour 30 minutes", 5_400_000)]
    [InlineData("interval 2 days", 172_800_000)]
    public void Durations_SparkForms_Parse(string text, long ms)
    {
        Assert.True(Durations.TryParse(text, out var d));
        Assert.Equal(ms, (long)d.TotalMilliseconds);
    }

    [Theory]
    [InlineData(30_000, "30 seconds")]
    [InlineData(1_000, "1 second")]
    [InlineData(1_500, "1500 milliseconds")]
    [InlineData(300_000, "5 minutes")]
    public void Durations_Format_IsTheShortestExactForm(long ms, string text) =>
        Assert.Equal(text, Durations.Format(TimeSpan.FromMilliseconds(ms)));
}
