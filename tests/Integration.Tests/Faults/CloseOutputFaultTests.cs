using System.Collections.Concurrent;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Processing;

namespace Sluice.IntegrationTests.Faults;

/// <summary>
/// A window's close in append mode whose output is large enough for the sink to hold it encoded until the commit
/// (<c>StagedBatches.DefaultEncodeFrom</c> rows from one key group): the handler fails midway through the close's batch,
/// the query restarts, and the batch's replay gives every closed group exactly once, with its count.
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class CloseOutputFaultTests(SiloFixture silo)
{
    private const int Groups = 70_000;

    [Fact]
    public async Task LargeClose_HandlerFailsMidway_ReplayOutputsEveryClosedGroupOnce()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var source = "close-" + tag;
        DataStreamWriter Query() => silo.Client.ReadStream().Memory(source).Schema(("tag", "string"), ("id", "int"), ("ts", "timestamp")).Load()
            .WithWatermark("ts", "0 seconds")
            .GroupBy(["window(ts, '10 seconds') AS window", "tag", "id"], ["count(*) AS n"])
            .WriteStream().OutputMode("append").Format("foreachBatch").Option("handler", CloseRecorder.HandlerName)
            .Option("keyGroups", "1").Trigger(Trigger.Manual()).CheckpointLocation("close-" + tag);
        var first = await Query().StartAsync("close_" + tag);
        // Every id twice in the window [0 s, 10 s), so each closed group counts 2.
        await silo.Client.AddDataAsync(source, [.. Enumerable.Range(0, 2 * Groups).Select(i => (object)new { tag, id = i % Groups, ts = $"1970-01-01T00:00:0{i % 10}Z" })]);
        await first.ProcessAllAvailableAsync();
        Assert.Empty(CloseRecorder.Rows(tag));

        // The watermark passes the window: the close's batch reaches the handler, which fails after half of its rows.
        await silo.Client.AddDataAsync(source, new { tag, id = -1, ts = "1970-01-01T00:00:25Z" });
        await Assert.ThrowsAsync<StreamingQueryException>(() => first.ProcessAllAvailableAsync());
        var second = await Query().StartAsync("close_" + tag);
        await second.ProcessAllAvailableAsync();
        await second.StopAsync();

        var rows = CloseRecorder.Rows(tag);
        Assert.Equal(Enumerable.Range(0, Groups), rows.Select(r => r.Id).Order());
        Assert.All(rows, r => Assert.Equal(2L, r.Count));
    }

    /// <summary>
    /// Idempotent by batch id (a batch's rows replace an earlier call's); on its first call for a tag it keeps half of the
    /// rows and throws, as a handler failing midway would.
    /// </summary>
    public sealed class CloseRecorder : IForeachBatchHandler
    {
        public const string HandlerName = "test-close-recorder";

        private static readonly ConcurrentDictionary<(string Tag, long BatchId), List<(int Id, long Count)>> Store = new();
        private static readonly ConcurrentDictionary<string, bool> Failed = new();

        public string Name => HandlerName;

        public static List<(int Id, long Count)> Rows(string tag) => [.. Store.Where(e => e.Key.Tag == tag).SelectMany(e => e.Value)];

        public Task HandleAsync(long batchId, StreamSchema schema, IReadOnlyList<object?[]> rows)
        {
            if (rows.Count == 0)
            {
                return Task.CompletedTask;
            }
            var tag = (string)rows[0][1]!;
            var fail = Failed.TryAdd(tag, true);
            var kept = new List<(int, long)>();
            foreach (var row in fail ? rows.Take(rows.Count / 2) : rows)
            {
                kept.Add(((int)row[2]!, (long)row[3]!));
            }
            Store[(tag, batchId)] = kept;
            return fail ? throw new IOException($"{HandlerName}: failed after {kept.Count} of {rows.Count} rows") : Task.CompletedTask;
        }
    }
}
