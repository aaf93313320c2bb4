using Orleans.Concurrency;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

/// <summary>
/// What a silo's death leaves behind, made by hand: a key group that came back empty, a sink writer missing a
/// writer's rows. Each refuses to finish or commit the batch short (it re-runs from the checkpoint instead).
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class LostBatchTests(SiloFixture silo)
{
    private static readonly QuerySpec Counts = SpecReader.Read("""
        {
          "name": "lost_batch",
          "source": {"kind": "memory", "schema": {"user": "string"}},
          "operators": [{"op": "groupBy", "keys": ["user"], "aggs": ["count(*) AS n"]}],
          "sink": {"kind": "memory"},
          "outputMode": "update"
        }
        """);

    [Fact]
    public async Task KeyGroup_MissingAnAgentsRecords_RefusesToFinishTheBatch()
    {
        var grain = silo.Client.Cluster.GetGrain<IWindowGrain>(new WindowGrainId(Guid.NewGuid(), 0, 1).ToString());
        var request = new WindowFinishRequest
        {
            Spec = Counts,
            RunId = Guid.NewGuid(),
            BatchId = 0,
            CheckpointPath = Path.Combine(silo.CheckpointRoot, "lost-" + Guid.NewGuid().ToString("N")),
            ExpectedApplies = 2,
        };
        await grain.ApplyAsync(new Immutable<WindowApplyRequest>(new WindowApplyRequest
        {
            Spec = request.Spec,
            RunId = request.RunId,
            BatchId = 0,
            CheckpointPath = request.CheckpointPath,
            Records = [],
        }));

        var e = await Assert.ThrowsAsync<BatchAttemptLostException>(() => grain.FinishAsync(new Immutable<WindowFinishRequest>(request)));

        Assert.Contains("received records from 1 of the 2 agents", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await grain.FinishAsync(new Immutable<WindowFinishRequest>(request with { ExpectedApplies = 1 }))).RowsOutput);
    }

    [Fact]
    public async Task SinkWriter_ReportsWhatItHoldsForABatch_AndNothingForOneCommitted()
    {
        var sink = silo.Client.Cluster.GetGrain<IMemorySinkGrain>(SinkGrainId.Memory("lost_sink_" + Guid.NewGuid().ToString("N")).ToString());
        var schema = new Sluice.Data.StreamSchema([new Sluice.Data.Column("user", Sluice.Data.DataType.String)]);
        await sink.StageAsync(4, "agent-0", new Immutable<Sluice.Data.RowBatch>(new Sluice.Data.RowBatch(schema, [["a"], ["b"]])));
        await sink.StageAsync(4, "agent-1", new Immutable<Sluice.Data.RowBatch>(new Sluice.Data.RowBatch(schema, [["c"]])));

        Assert.Equal(3, await sink.StagedRowsAsync(4));
        Assert.Equal(0, await sink.StagedRowsAsync(5));
        Assert.Equal(3, await sink.CommitAsync(4, OutputMode.Append, schema));
        Assert.Equal(ISinkGrain.AlreadyCommitted, await sink.StagedRowsAsync(4));
    }
}
