using System.Text;
using Confluent.Kafka;
using Sluice.Data;
using Sluice.Sources;
using Sluice.Connectors.Kafka;
using Sluice.Sources.Parsing;
using Sluice.Spec;

namespace Sluice.Tests.Sources;

public sealed class KafkaPartitionReaderTests(EmbeddedKafkaFixture fixture) : IClassFixture<EmbeddedKafkaFixture>
{
    /// <summary>For tests that expect a read to stall: fail fast. Other tests keep the default, so a slow machine cannot fail them.</summary>
    private static readonly TimeSpan ShortStall = TimeSpan.FromSeconds(1);

    private static SourceSpec JsonSpec(string topic, string mode = "PERMISSIVE") => new()
    {
        Kind = "kafka",
        Topic = topic,
        Format = "json",
        Mode = mode,
        Schema = [new("id", "bigint"), new("name", "string")],
    };

    private static SourceSpec RawSpec(string topic) => new() { Kind = "kafka", Topic = topic, Format = "raw" };

    private static readonly StreamSchema JsonWithCorrupt = new(
    [
        new Column("id", DataType.Long),
        new Column("name", DataType.String),
        new Column(JsonRowParser.CorruptRecordColumn, DataType.String),
    ]);

    private KafkaPartitionReader JsonReader(string topic, int partition = 0, string mode = "PERMISSIVE", StreamSchema? schema = null, TimeSpan? stall = null) =>
        new(JsonSpec(topic, mode), fixture.BootstrapServers, partition, schema ?? KafkaSchemas.For(JsonSpec(topic)), stall);

    private KafkaPartitionReader RawReader(string topic, int partition = 0) =>
        new(RawSpec(topic), fixture.BootstrapServers, partition, KafkaRawSchema.Schema);

    private static async Task<(ReadResult Result, List<object?[]> Rows)> Read(IPartitionReader reader, long start, long end)
    {
        var rows = new List<object?[]>();
        var result = await reader.ReadAsync(start, end, rows, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (result, rows);
    }

    private static long[] Ids(List<object?[]> rows) => rows.Select(r => (long)r[0]!).ToArray();

    [Fact]
    public async Task ReadAsync_PlannedRange_GivesExactlyThoseOffsets()
    {
        var topic = fixture.NewTopic(2);
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 1, KafkaTestData.Ids(0, 10));
        using var reader = JsonReader(topic, partition: 1);

        var (result, rows) = await Read(reader, 3, 7);

        Assert.Equal([3L, 4, 5, 6], Ids(rows));
        Assert.Equal(new ReadResult(4, 0, 0), result);
    }

    [Fact]
    public async Task ReadAsync_NextRangeFollowsOn_DoesNotSeekAgain()
    {
        var topic = fixture.NewTopic(1);
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 0, KafkaTestData.Ids(0, 10));
        using var reader = JsonReader(topic);
        await Read(reader, 3, 7);

        var (result, rows) = await Read(reader, 7, 10);

        Assert.Equal([7L, 8, 9], Ids(rows));
        Assert.Equal(3, result.RecordsRead);
        Assert.Equal(1, reader.Repositions);
    }

    [Fact]
    public async Task ReadAsync_ReplayOfAnEarlierRange_SeeksBackAndGivesTheSameRows()
    {
        var topic = fixture.NewTopic(1);
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 0, KafkaTestData.Ids(0, 10));
        using var reader = JsonReader(topic);
        var (_, first) = await Read(reader, 2, 6);
        await Read(reader, 6, 9);

        var (_, replay) = await Read(reader, 2, 6);

        Assert.Equal(Ids(first), Ids(replay));
        Assert.Equal(2, reader.Repositions);
    }

    [Fact]
    public async Task ReadAsync_EmptyRange_GivesNothing()
    {
        var topic = fixture.NewTopic(1);
        using var reader = JsonReader(topic);

        var (result, rows) = await Read(reader, 5, 5);

        Assert.Empty(rows);
        Assert.Equal(default, result);
        Assert.Equal(0, reader.Repositions);
    }

    [Fact]
    public async Task ReadAsync_RangeEndingOnATransactionMarker_CompletesWithoutTheMissingOffset()
    {
        var topic = fixture.NewTopic(1);
        // Offsets 0-2 are records, 3 is the commit marker: the high watermark is 4.
        KafkaTestData.ProduceTransaction(fixture.BootstrapServers, topic, 0, KafkaTestData.Ids(0, 3));
        using var reader = JsonReader(topic);

        var (result, rows) = await Read(reader, 0, 4);

        Assert.Equal([0L, 1, 2], Ids(rows));
        Assert.Equal(3, result.RecordsRead);
    }

    [Fact]
    public async Task ReadAsync_RangeEndingBeforeAGap_KeepsTheRecordReadAheadForTheNextRange()
    {
        var topic = fixture.NewTopic(1);
        // Offsets 0-1 records, 2 a marker, 3-4 records, 5 a marker.
        KafkaTestData.ProduceTransaction(fixture.BootstrapServers, topic, 0, KafkaTestData.Ids(0, 2));
        KafkaTestData.ProduceTransaction(fixture.BootstrapServers, topic, 0, KafkaTestData.Ids(3, 2));
        using var reader = JsonReader(topic);

        var (_, first) = await Read(reader, 0, 3);
        var (_, second) = await Read(reader, 3, 6);

        Assert.Equal([0L, 1], Ids(first));
        Assert.Equal([3L, 4], Ids(second));
        Assert.Equal(1, reader.Repositions);
    }

    [Fact]
    public async Task ReadAsync_Raw_GivesSparksKafkaColumns()
    {
        var topic = fixture.NewTopic(3);
        var timestamp = new DateTime(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc);
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 2,
        [
            new Message<byte[]?, byte[]?>
            {
                Key = "k1"u8.ToArray(),
                Value = "v1"u8.ToArray(),
                Timestamp = new Timestamp(timestamp, TimestampType.CreateTime),
                Headers = new Headers { { "trace", "abc"u8.ToArray() }, { "empty", null } },
            },
            new Message<byte[]?, byte[]?> { Key = null, Value = null, Timestamp = new Timestamp(timestamp, TimestampType.CreateTime) },
        ]);
        using var reader = RawReader(topic, partition: 2);

        var (result, rows) = await Read(reader, 0, 2);

        Assert.Equal(2, result.RecordsRead);
        var row = rows[0];
        Assert.Equal("k1"u8.ToArray(), row[KafkaRawSchema.Key]);
        Assert.Equal("v1"u8.ToArray(), row[KafkaRawSchema.Value]);
        Assert.Equal(topic, row[KafkaRawSchema.Topic]);
        Assert.Equal(2, row[KafkaRawSchema.Partition]);
        Assert.Equal(0L, row[KafkaRawSchema.Offset]);
        Assert.Equal(timestamp, row[KafkaRawSchema.Timestamp]);
        Assert.Equal(0, row[KafkaRawSchema.TimestampType]);
        var headers = Assert.IsType<object?[]>(row[KafkaRawSchema.Headers]);
        Assert.Equal(2, headers.Length);
        Assert.Equal(["trace", "abc"u8.ToArray()], Assert.IsType<StructValue>(headers[0]).Values);
        Assert.Equal(["empty", null], Assert.IsType<StructValue>(headers[1]).Values);
        Assert.Equal(KafkaRawSchema.Schema.Count, row.Length);
        Assert.Null(rows[1][KafkaRawSchema.Key]);
        Assert.Null(rows[1][KafkaRawSchema.Value]);
        Assert.Null(rows[1][KafkaRawSchema.Headers]);
        Assert.Equal(1L, rows[1][KafkaRawSchema.Offset]);
    }

    [Fact]
    public void RawSchema_IsSparksKafkaSchemaWithHeaders()
    {
        Assert.Equal(
            "key: binary, value: binary, topic: string, partition: int, offset: bigint, timestamp: timestamp, timestampType: int, " +
            "headers: array<struct<key:string,value:binary>>",
            KafkaRawSchema.Schema.Describe());
        Assert.Same(KafkaRawSchema.Schema, KafkaSchemas.For(RawSpec("t")));
    }

    [Fact]
    public void KafkaSchemas_Json_IsTheSpecsSchema()
    {
        Assert.Equal("id: bigint, name: string", KafkaSchemas.For(JsonSpec("t")).Describe());
    }

    [Fact]
    public void KafkaSchemas_UnknownTypeOrFormat_FailNamingTheFix()
    {
        var badType = JsonSpec("t") with { Schema = [new("id", "decimal(10,2)")] };
        var badFormat = JsonSpec("t") with { Format = "avro" };

        Assert.Contains(DataType.ValidNames, Assert.Throws<ArgumentException>(() => KafkaSchemas.For(badType)).Message, StringComparison.Ordinal);
        Assert.Contains("use json or raw", Assert.Throws<ArgumentException>(() => KafkaSchemas.For(badFormat)).Message, StringComparison.Ordinal);
    }

    private string TopicWithMalformedRecords()
    {
        var topic = fixture.NewTopic(1);
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 0,
            """{"id":0,"name":"a"}""", "not json", """{"id":"two","name":"c"}""", """{"id":3,"name":"d"}""", null);
        return topic;
    }

    [Fact]
    public async Task ReadAsync_Permissive_KeepsMalformedRecordsWithTheirTextAndCountsThem()
    {
        using var reader = JsonReader(TopicWithMalformedRecords(), schema: JsonWithCorrupt);

        var (result, rows) = await Read(reader, 0, 5);

        Assert.Equal(new ReadResult(5, 2, 0), result);
        Assert.Equal([0L, null, "a", null], [rows[0][0], rows[0][2], rows[0][1], rows[1][0]]);
        Assert.Equal("not json", rows[1][2]);
        Assert.Equal([null, "c", """{"id":"two","name":"c"}"""], rows[2]);
        Assert.Equal([null, null, null], rows[4]);
    }

    [Fact]
    public async Task ReadAsync_DropMalformed_DropsAndCountsThem()
    {
        using var reader = JsonReader(TopicWithMalformedRecords(), mode: "DROPMALFORMED");

        var (result, rows) = await Read(reader, 0, 4);

        Assert.Equal(new ReadResult(4, 2, 2), result);
        Assert.Equal([0L, 3], Ids(rows));
    }

    [Fact]
    public async Task ReadAsync_FailFast_ThrowsNamingTopicPartitionAndOffset()
    {
        var topic = TopicWithMalformedRecords();
        using var reader = JsonReader(topic, mode: "FAILFAST");

        var e = await Assert.ThrowsAsync<MalformedRecordException>(() => Read(reader, 0, 4));

        Assert.Equal($"topic {topic} partition 0 offset 1", e.Position);
        Assert.Contains("'not json'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_RecordsDeletedByRetention_FailsNamingTheRangeAndEarliestOffset()
    {
        var topic = fixture.NewTopic(1);
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 0, KafkaTestData.Ids(0, 10));
        fixture.Kafka.DeleteRecords(topic, 0, 5);
        using var reader = JsonReader(topic);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Read(reader, 2, 8));

        Assert.StartsWith($"Topic '{topic}' partition 0: offsets [2, 8) are no longer available; earliest is 5.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_RangePastThePartitionsEnd_FailsAfterTheStallTimeoutNamingTheEnd()
    {
        var topic = fixture.NewTopic(1);
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 0, KafkaTestData.Ids(0, 3));
        using var reader = JsonReader(topic, stall: ShortStall);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => Read(reader, 1, 6));

        Assert.Contains("offsets [3, 6) were planned but the partition ends at offset 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_AfterAFailure_SeeksAgainAndReads()
    {
        var topic = fixture.NewTopic(1);
        KafkaTestData.Produce(fixture.BootstrapServers, topic, 0, KafkaTestData.Ids(0, 3));
        using var reader = JsonReader(topic, stall: ShortStall);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Read(reader, 0, 4));

        var (_, rows) = await Read(reader, 0, 3);

        Assert.Equal([0L, 1, 2], Ids(rows));
    }

    [Fact]
    public async Task ReadAsync_UnreachableBroker_FailsAfterTheStallTimeoutNamingTheServers()
    {
        using var reader = new KafkaPartitionReader(JsonSpec("events"), "127.0.0.1:1", 0, KafkaSchemas.For(JsonSpec("events")), ShortStall);

        var e = await Assert.ThrowsAsync<TimeoutException>(() => Read(reader, 0, 10));

        Assert.StartsWith("Could not read topic 'events' partition 0 offsets [0, 10) from 127.0.0.1:1: nothing arrived for 1 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EnableAutoCommitTrue_IsRefused()
    {
        var spec = JsonSpec("t") with { Options = new Dictionary<string, string> { ["enable.auto.commit"] = "true" } };

        var e = Assert.Throws<ArgumentException>(() => new KafkaPartitionReader(spec, fixture.BootstrapServers, 0, KafkaSchemas.For(spec)));

        Assert.Contains("Sluice tracks offsets in its checkpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RawFormatWithAnotherSchema_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new KafkaPartitionReader(RawSpec("t"), fixture.BootstrapServers, 0, JsonWithCorrupt));
    }
}
