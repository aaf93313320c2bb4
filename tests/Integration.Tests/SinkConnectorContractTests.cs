using System.Globalization;
using Orleans.Concurrency;
using Sluice.Client;
using Sluice.Connectors;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Planning;
using Sluice.Spec;
using Sluice.Tests.Connectors;

namespace Sluice.IntegrationTests;

/// <summary>
/// What every sink connector promises, run against each on the in-process silo: a batch committed twice (a replay
/// after a crash between the sink commit and <c>commits/N</c>) adds nothing; the writer's settings reach it through
/// <c>ConfigureAsync</c>; and a bad spec part is refused naming its field.
/// </summary>
public abstract class SinkConnectorContractTests(SiloFixture silo)
{
    private static readonly StreamSchema Schema = new([new Column("id", DataType.Int), new Column("word", DataType.String)]);

    private readonly ConnectorRegistry _registry = BuiltInConnectors.CreateRegistry();

    protected SiloFixture Silo { get; } = silo;

    protected string Name { get; } = "c" + Guid.NewGuid().ToString("N")[..10];

    protected Guid QueryId { get; } = Guid.NewGuid();

    protected abstract SinkSpec Sink { get; }

    /// <summary>A sink spec with one bad field, and that field's path.</summary>
    protected abstract (SinkSpec Sink, string Path) BadSink { get; }

    /// <summary>The ids the sink's output holds, as its readers see it.</summary>
    protected abstract Task<List<int>> CommittedIdsAsync();

    private ISinkGrain Writer() => _registry.SinkGrain(Silo.Client.Cluster, Sink, Name, QueryId);

    private async Task<long> RunBatchAsync(long batchId, params int[][] writers)
    {
        var sink = Writer();
        for (var w = 0; w < writers.Length; w++)
        {
            var rows = writers[w].Select(i => new object?[] { i, $"w{i}" }).ToList();
            await sink.StageAsync(batchId, $"agent-{w}", new Immutable<RowBatch>(new RowBatch(Schema, rows)));
        }
        await sink.ConfigureAsync(new Immutable<SinkConfig>(new SinkConfig(Sink, QueryId, Name)));
        return await sink.CommitAsync(batchId, OutputMode.Append, Schema);
    }

    [Fact]
    public async Task CommittingABatchTwice_AddsNothing()
    {
        Assert.Equal(3, await RunBatchAsync(0, [1, 2], [3]));
        Assert.Equal(1, await RunBatchAsync(1, [4]));

        Assert.Equal(ISinkGrain.AlreadyCommitted, await RunBatchAsync(1, [4]));

        Assert.Equal([1, 2, 3, 4], await CommittedIdsAsync());
    }

    [Fact]
    public void BadSpecPart_IsRefusedNamingTheField()
    {
        var (sink, path) = BadSink;
        var spec = new QuerySpec { Name = Name, Source = new SourceSpec { Kind = "memory", Schema = [new("id", "int")] }, Sink = sink };

        var e = Assert.Throws<QueryStartException>(() => QueryPlanner.Plan(spec, _registry));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    protected static List<int> Ids(IEnumerable<object?> values) =>
        values.Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)).Order().ToList();
}

[Collection(SiloCollection.Name)]
public sealed class MemorySinkContractTests(SiloFixture silo) : SinkConnectorContractTests(silo)
{
    protected override SinkSpec Sink => new() { Kind = "memory" };

    protected override (SinkSpec Sink, string Path) BadSink => (new SinkSpec { Kind = "memory", Settings = new Dictionary<string, string> { ["table"] = "\"t\"" } }, "$.sink.table");

    protected override async Task<List<int>> CommittedIdsAsync() => Ids((await Silo.Client.ReadMemorySinkAsync(Name)).Rows.Select(r => r[0]));
}

[Collection(SiloCollection.Name)]
public sealed class JsonSinkContractTests(SiloFixture silo) : SinkConnectorContractTests(silo)
{
    protected override SinkSpec Sink => new() { Kind = "json", Path = Path.Combine(Silo.CheckpointRoot, Name + "-out") };

    protected override (SinkSpec Sink, string Path) BadSink => (new SinkSpec { Kind = "json" }, "$.sink.path");

    protected override async Task<List<int>> CommittedIdsAsync() => Ids((await FileSinkReader.ReadRowsAsync(Sink.Path!)).Select(r => (object?)(int)r["id"]!));
}

[Collection(SiloCollection.Name)]
public sealed class ParquetSinkContractTests(SiloFixture silo) : SinkConnectorContractTests(silo)
{
    protected override SinkSpec Sink => new() { Kind = "parquet", Path = Path.Combine(Silo.CheckpointRoot, Name + "-out") };

    protected override (SinkSpec Sink, string Path) BadSink => (new SinkSpec { Kind = "parquet", Path = "out", Settings = new Dictionary<string, string> { ["compression"] = "\"zstd\"" } }, "$.sink.compression");

    protected override async Task<List<int>> CommittedIdsAsync() => Ids((await FileSinkReader.ReadRowsAsync(Sink.Path!)).Select(r => (object?)(int)r["id"]!));
}

[Collection(SiloCollection.Name)]
public sealed class DeltaSinkContractTests(SiloFixture silo) : SinkConnectorContractTests(silo)
{
    protected override SinkSpec Sink => new() { Kind = "delta", Path = Path.Combine(Silo.CheckpointRoot, Name + "-delta") };

    protected override (SinkSpec Sink, string Path) BadSink => (new SinkSpec { Kind = "delta", Path = "s3://bucket/table" }, "$.sink.path");

    protected override async Task<List<int>> CommittedIdsAsync() => Ids((await DeltaTestReader.ReadAsync(Sink.Path!)).Select(r => r["id"]));
}
