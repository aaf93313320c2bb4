using System.Diagnostics;
using Sluice.State;
using Xunit.Abstractions;

namespace Sluice.Tests.State;

public sealed class TmpMeasureTests(ITestOutputHelper output) : StateStoreTestBase
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options) => new MemoryStateStoreProvider(options);

    [Fact]
    public async Task Measure()
    {
        Options.SnapshotInterval = 2;
        var store = await OpenAsync(-1);
        for (var i = 0; i < 100_000; i++) { store.Put(K($"key-{i:D8}"), new byte[1024]); }
        await store.CommitAsync(0);
        for (var i = 0; i < 100_000; i++) { store.Put(K($"key-{i:D8}"), new byte[1024]); }
        var w = Stopwatch.StartNew();
        var m = await store.CommitAsync(1);
        output.WriteLine($"memory: commit 100k updated 1KiB rows with snapshot {w.ElapsedMilliseconds} ms, checkpoint write {m.CustomMetrics["stateCheckpointWriteLatency"]} ms");
        store.Dispose();
        w.Restart();
        using var r = await Provider.OpenAsync(Id, Checkpoint, QueryId, 1);
        output.WriteLine($"memory: restore 100k rows {w.ElapsedMilliseconds} ms");
    }
}
