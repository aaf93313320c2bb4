using System.Collections.Concurrent;
using System.Text.Json;
using Confluent.Kafka;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Diagnostics;

namespace Sluice.IntegrationTests.Faults;

/// <summary>
/// A sink write that throws (<c>sinkWrite@2:throw</c>, armed in this process for one sink) fails the query with the
/// batch uncommitted; the query's restart writes it, so every sink kind ends with each input id exactly once.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class SinkWriteFaultTests(SiloFixture silo)
{
    private const int PerBatch = 4;

    private SluiceClient Client => silo.Client;

    [Theory]
    [InlineData("memory")]
    [InlineData("json")]
    [InlineData("parquet")]
    [InlineData("kafka")]
    [InlineData("foreachBatch")]
    [InlineData("stream")]
    public async Task SinkWriteThrows_ThenTheQueryRestarts_OutputHasEveryIdExactlyOnce(string kind)
    {
        var run = new Run(kind, silo);
        var received = new ConcurrentQueue<OutputBatch>();
        var lastBatch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscription = await Client.SubscribeOutputAsync(run.Name, batch =>
        {
            received.Enqueue(batch);
            if (batch.BatchId == 3)
            {
                lastBatch.TrySetResult();
            }
            return Task.CompletedTask;
        });
        var first = await Query(run).StartAsync(run.Name);
        await BatchAsync(run, first, 0);
        await BatchAsync(run, first, 1);

        using (FaultInjection.Arm("sinkWrite@2:throw", run.FaultScope(first.Id)))
        {
            var e = await Assert.ThrowsAsync<StreamingQueryException>(() => BatchAsync(run, first, 2));
            Assert.Contains("batch 2 failed at sinkWrite (injected)", e.Message, StringComparison.Ordinal);
        }
        var second = await Query(run).StartAsync(run.Name);
        await second.ProcessAllAvailableAsync();
        await BatchAsync(run, second, 3);
        await second.StopAsync();

        if (kind == "stream")
        {
            // Stream delivery is asynchronous: the subscriber has everything once the last batch arrived.
            await lastBatch.Task.WaitAsync(TimeSpan.FromSeconds(20));
        }
        var ids = kind == "stream" ? [.. received.SelectMany(b => b.Rows).Select(r => (int)r[1]!)] : await OutputIdsAsync(run);
        Assert.Equal(Enumerable.Range(0, 4 * PerBatch), ids.Order());
    }

    [Theory]
    [InlineData(FlakyAppendHandler.HandlerName, false)]
    [InlineData(FlakyUpsertHandler.HandlerName, true)]
    public async Task ForeachBatchHandler_ThrowingOnItsFirstCall_GetsTheBatchAgainAfterARestart(string handler, bool idempotent)
    {
        var run = new Run("foreachBatch", silo);
        DataStreamWriter Query() => Ids(run).WriteStream().Format("foreachBatch").Option("handler", handler).Trigger(Trigger.Manual()).CheckpointLocation(run.Name);
        var first = await Query().StartAsync(run.Name);

        // The handler writes half of batch 0, then throws: the query fails, and batch 0 stays uncommitted.
        await Assert.ThrowsAsync<StreamingQueryException>(() => BatchAsync(run, first, 0));
        var second = await Query().StartAsync(run.Name);
        await second.ProcessAllAvailableAsync();
        await BatchAsync(run, second, 1);
        await second.StopAsync();

        var ids = handler == FlakyAppendHandler.HandlerName ? FlakyAppendHandler.Ids(run.Tag) : FlakyUpsertHandler.Ids(run.Tag);
        Assert.Equal(Enumerable.Range(0, 2 * PerBatch), ids.Distinct().Order());
        if (idempotent)
        {
            Assert.Equal(2 * PerBatch, ids.Count);
        }
        else
        {
            // At least once: the half written before the throw is there twice.
            Assert.Equal(2 * PerBatch + (PerBatch / 2), ids.Count);
        }
    }

    /// <summary>One test's names: its memory source, query (and checkpoint), and output folder or topic.</summary>
    private sealed class Run(string kind, SiloFixture silo)
    {
        public string Kind { get; } = kind;

        public string Tag { get; } = Guid.NewGuid().ToString("N")[..10];

        public string Source => "swf-" + Tag;

        public string Name => $"swf_{Kind}_{Tag}";

        public string OutputPath { get; } = Path.GetFullPath(Path.Combine(silo.CheckpointRoot, "out", "swf-" + kind + Guid.NewGuid().ToString("N")[..6]));

        public string Topic { get; } = kind == "kafka" ? silo.CreateTopic() : "";

        public string FaultScope(Guid queryId) => Kind switch
        {
            "json" or "parquet" => OutputPath,
            "kafka" or "foreachBatch" => new SinkGrainId(Kind, queryId.ToString("N")).ToString(),
            _ => new SinkGrainId(Kind, Name).ToString(),
        };
    }

    private StreamFrame Ids(Run run) => Client.ReadStream().Memory(run.Source).Schema(("tag", "string"), ("id", "int")).Load();

    private DataStreamWriter Query(Run run)
    {
        var writer = Ids(run).WriteStream().Format(run.Kind).Trigger(Trigger.Manual()).CheckpointLocation(run.Name);
        return run.Kind switch
        {
            "json" or "parquet" => writer.Option("path", run.OutputPath),
            "kafka" => writer.Option("topic", run.Topic),
            "foreachBatch" => writer.Option("handler", RecordingHandler.HandlerName),
            _ => writer,
        };
    }

    /// <summary>Adds ids <c>batch * 4 .. batch * 4 + 3</c> and has the query process them (one batch).</summary>
    private async Task BatchAsync(Run run, StreamingQuery query, int batch)
    {
        await Client.AddDataAsync(run.Source, Enumerable.Range(batch * PerBatch, PerBatch).Select(id => (object)new { tag = run.Tag, id }).ToArray());
        await query.ProcessAllAvailableAsync();
    }

    private async Task<List<int>> OutputIdsAsync(Run run) => run.Kind switch
    {
        "memory" => (await Client.ReadMemorySinkJsonAsync(run.Name)).Select(r => r["id"]!.GetValue<int>()).ToList(),
        "json" or "parquet" => (await FileSinkReader.ReadRowsAsync(run.OutputPath)).Select(r => r["id"]!.GetValue<int>()).ToList(),
        "kafka" => ReadTopicIds(run.Topic),
        _ => [.. RecordingHandler.Calls.SelectMany(c => c.Rows).Where(r => Equals(r[0], run.Tag)).Select(r => (int)r[1]!)],
    };

    private List<int> ReadTopicIds(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = silo.BootstrapServers, GroupId = "t-" + topic, EnablePartitionEof = true }).Build();
        consumer.Assign(Enumerable.Range(0, 4).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var ids = new List<int>();
        var eofs = 0;
        while (eofs < 4 && consumer.Consume(TimeSpan.FromSeconds(10)) is { } result)
        {
            if (result.IsPartitionEOF)
            {
                eofs++;
            }
            else
            {
                ids.Add(JsonDocument.Parse(result.Message.Value).RootElement.GetProperty("id").GetInt32());
            }
        }
        return ids;
    }
}
