using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Processing;

namespace Sluice.IntegrationTests;

[Collection(SiloCollection.Name)]
public sealed class SinkTests(SiloFixture silo)
{
    private SluiceClient Client => silo.Client;

    private static string Name() => "k" + Guid.NewGuid().ToString("N")[..10];

    private StreamFrame Words(string source) => Client.ReadStream().Memory(source).Schema(("id", "int"), ("word", "string")).Load();

    private List<ConsumeResult<string?, string>> ReadTopic(string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<string?, string>(new ConsumerConfig { BootstrapServers = silo.BootstrapServers, GroupId = "t-" + topic, EnablePartitionEof = true }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<string?, string>>();
        var eofs = 0;
        while (eofs < partitions && consumer.Consume(TimeSpan.FromSeconds(10)) is { } result)
        {
            if (result.IsPartitionEOF)
            {
                eofs++;
            }
            else
            {
                records.Add(result);
            }
        }
        return records;
    }

    [Fact]
    public async Task KafkaSink_ReplayedBatch_IsNotWrittenTwice()
    {
        var source = "ks-" + Guid.NewGuid().ToString("N")[..6];
        var topic = silo.CreateTopic();
        var name = Name();
        DataStreamWriter Query() => Words(source).Where("id > 0").WriteStream().Format("kafka").Option("topic", topic).Option("key", "word")
            .Trigger(Trigger.Manual()).CheckpointLocation(name);
        var first = await Query().StartAsync(name);
        await Client.AddDataAsync(source, new { id = 1, word = "a" }, new { id = 2, word = "b" });
        await first.ProcessAllAvailableAsync();
        await Client.AddDataAsync(source, new { id = 3, word = "a" }, new { id = 0, word = "skip" });
        await first.ProcessAllAvailableAsync();
        await first.StopAsync();

        // As if the silo died after the Kafka transaction of batch 1 committed but before commits/1 was written.
        File.Delete(Path.Combine(silo.CheckpointRoot, name, "commits", "1"));
        var second = await Query().StartAsync(name);
        await second.ProcessAllAvailableAsync();
        await Client.AddDataAsync(source, new { id = 4, word = "c" });
        await second.ProcessAllAvailableAsync();
        await second.StopAsync();

        var records = ReadTopic(topic, 4);
        Assert.Equal([1, 2, 3, 4], records.Select(r => System.Text.Json.JsonDocument.Parse(r.Message.Value).RootElement.GetProperty("id").GetInt32()).Order());
        Assert.All(records, r => Assert.Equal(second.Id.ToString("N"), Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("sluice.query"))));
        Assert.Equal(["0", "0", "1", "2"], records.Select(r => Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("sluice.batch"))).Order());
        var byWord = records.GroupBy(r => r.Message.Key!).ToDictionary(g => g.Key, g => g.Select(r => r.Partition.Value).Distinct().Count());
        Assert.All(byWord.Values, partitionsPerKey => Assert.Equal(1, partitionsPerKey));
        Assert.Equal(0, (await second.RecentProgressAsync())[0].Sink.NumOutputRows);
    }

    [Fact]
    public async Task ForeachBatchSink_CallsTheHandlerOncePerCommittedBatch()
    {
        var source = "fb-" + Guid.NewGuid().ToString("N")[..6];
        var name = Name();
        var query = await Words(source).Select("id", "upper(word) AS word").WriteStream().Format("foreachBatch").Option("handler", RecordingHandler.HandlerName)
            .Trigger(Trigger.Manual()).StartAsync(name);

        await Client.AddDataAsync(source, new { id = 1, word = "a" });
        await query.ProcessAllAvailableAsync();
        await Client.AddDataAsync(source, new { id = 2, word = "b" }, new { id = 3, word = "c" });
        await query.ProcessAllAvailableAsync();
        await query.StopAsync();

        var calls = RecordingHandler.Calls.Where(c => c.Rows.Any(r => r[1] is "A" or "B" or "C") && c.Schema.Columns[1].Name == "word").ToList();
        Assert.Contains(calls, c => c.BatchId == 0 && c.Rows.Count == 1);
        Assert.Contains(calls, c => c.BatchId == 1 && c.Rows.Select(r => (string)r[1]!).Order().SequenceEqual(["B", "C"]));
    }

    [Fact]
    public async Task StreamSink_DeliversEachCommittedBatchToSubscribers()
    {
        var source = "ss-" + Guid.NewGuid().ToString("N")[..6];
        var name = Name();
        var received = new ConcurrentQueue<OutputBatch>();
        var two = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await Client.SubscribeOutputAsync(name, batch =>
        {
            received.Enqueue(batch);
            if (received.Count == 2)
            {
                two.TrySetResult();
            }
            return Task.CompletedTask;
        });
        var query = await Words(source).WriteStream().Format("stream").Trigger(Trigger.Manual()).StartAsync(name);

        await Client.AddDataAsync(source, new { id = 1, word = "a" });
        await query.ProcessAllAvailableAsync();
        await Client.AddDataAsync(source, new { id = 2, word = "b" });
        await query.ProcessAllAvailableAsync();
        await two.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await query.StopAsync();

        Assert.Equal([0L, 1L], received.Select(b => b.BatchId));
        Assert.Equal([1, 2], received.Select(b => (int)b.Rows.Single()[0]!));
    }

    [Theory]
    [InlineData("parquet", "path", "out", "update", "Data source parquet does not support Update output mode")]
    [InlineData("kafka", "key", "nope", "append", "$.sink.key")]
    [InlineData("kafka", "key", "concat(word, now())", "append", "$.sink.key: current_timestamp(), now() and unix_timestamp() are the micro-batch's timestamp, but the kafka sink's key (written when the batch commits) is evaluated outside any batch")]
    [InlineData("foreachBatch", "handler", "NoSuchHandler", "append", "no foreachBatch handler named 'NoSuchHandler'")]
    [InlineData("kafka", "format", "raw", "append", "Required attribute 'value' not found")]
    public async Task Start_SinkThatCannotWork_FailsAtStart(string kind, string option, string value, string mode, string expected)
    {
        var writer = Words("bad-" + kind).WriteStream().Format(kind).Option(option, value).OutputMode(mode);
        if (kind == "kafka")
        {
            writer = writer.Option("topic", "t");
        }

        var e = await Assert.ThrowsAsync<QueryStartException>(() => writer.StartAsync(Name()));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}

/// <summary>A foreachBatch handler the tests register by being loaded: it records every call.</summary>
public sealed class RecordingHandler : IForeachBatchHandler
{
    public const string HandlerName = "test-recorder";

    public static ConcurrentBag<(long BatchId, StreamSchema Schema, IReadOnlyList<object?[]> Rows)> Calls { get; } = [];

    public string Name => HandlerName;

    public Task HandleAsync(long batchId, StreamSchema schema, IReadOnlyList<object?[]> rows)
    {
        Calls.Add((batchId, schema, rows));
        return Task.CompletedTask;
    }
}
