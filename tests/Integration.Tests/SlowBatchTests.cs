using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Hosting;
using Sluice.Processing;

namespace Sluice.IntegrationTests;

/// <summary>
/// A batch slower than the silo's response timeout is a slow batch, not a failed query: the batch protocol's calls
/// (a key group finishing, the sink committing) carry their own timeout (<see cref="BatchCalls"/>). A cluster of one
/// silo from Orleans' TestingHost with a 1 s response timeout, and a batch whose processor and foreachBatch handler
/// each take 3 s.
/// </summary>
public sealed class SlowBatchTests : IAsyncLifetime
{
    private static readonly string CheckpointRoot = Path.Combine(Path.GetTempPath(), "sluice-slow", Guid.NewGuid().ToString("N"));
    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<ShortTimeoutSilo>();
        builder.AddClientBuilderConfigurator<EventsClient>();
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        if (Directory.Exists(CheckpointRoot))
        {
            Directory.Delete(CheckpointRoot, recursive: true);
        }
    }

    [Fact]
    public async Task Batch_SlowerThanTheResponseTimeout_CompletesInsteadOfFailingTheQuery()
    {
        var client = new SluiceClient(_cluster.Client);
        var source = "slow-" + Guid.NewGuid().ToString("N")[..6];
        var query = await client.ReadStream().Memory(source).Schema(("user", "string")).Load()
            .FlatMapGroupsWithState(["user"], SlowCount.ProcessorName)
            .WriteStream().Format("foreachBatch").Option("handler", SlowHandler.HandlerName).OutputMode("update").Trigger(Trigger.Manual())
            .Option("keyGroups", "1").StartAsync("slow" + Guid.NewGuid().ToString("N")[..8]);

        await client.AddDataAsync(source, new { user = "a" }, new { user = "b" }, new { user = "a" });
        await query.ProcessAllAvailableAsync();

        var status = await query.StatusAsync();
        Assert.True(status.IsActive, status.Error);
        var rows = SlowHandler.Rows.OrderBy(r => (string)r[0]!).ToList();
        Assert.Equal([("a", 2L), ("b", 1L)], rows.Select(r => ((string)r[0]!, Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture))));
        await query.StopAsync();
    }

    private sealed class ShortTimeoutSilo : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.AddSluice(o => o.CheckpointRoot = CheckpointRoot)
                .AddMemoryGrainStorageAsDefault()
                .UseInMemoryReminderService()
                .Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(1));
        }
    }

    private sealed class EventsClient : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.AddMemoryStreams(QueryEvents.Provider);
    }
}

/// <summary>Counts rows per key, taking 3 s per key group and batch: a batch's key group finishes slowly.</summary>
public sealed class SlowCount : StatefulProcessor<long>
{
    public const string ProcessorName = "test-slow-count";

    public override string Name => ProcessorName;

    public override IReadOnlyList<(string Name, string Type)> OutputColumns => [("user", "string"), ("n", "bigint")];

    public override IEnumerable<object?[]> Process(object?[] key, IReadOnlyList<InputRow> rows, GroupState<long> state)
    {
        if ((string)key[0]! == "a")
        {
            Thread.Sleep(TimeSpan.FromSeconds(3));
        }
        var n = (state.Exists ? state.Get() : 0) + rows.Count;
        state.Update(n);
        return [[key[0], n]];
    }
}

/// <summary>Records the rows of each batch, after 3 s: the sink's commit is slow.</summary>
public sealed class SlowHandler : IForeachBatchHandler
{
    public const string HandlerName = "test-slow-handler";

    public static System.Collections.Concurrent.ConcurrentBag<object?[]> Rows { get; } = [];

    public string Name => HandlerName;

    public async Task HandleAsync(long batchId, StreamSchema schema, IReadOnlyList<object?[]> rows)
    {
        await Task.Delay(TimeSpan.FromSeconds(3));
        foreach (var row in rows)
        {
            Rows.Add(row);
        }
    }
}
