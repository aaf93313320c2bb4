using Sluice.State;

namespace Sluice.Tests.State;

internal static class StateStoreExtensions
{
    /// <summary>Commits, then waits for the snapshot the commit started (stores write snapshots in the background).</summary>
    public static async Task<StateStoreMetrics> CommitAndSnapshotAsync(this IStateStore store, long version)
    {
        var metrics = await store.CommitAsync(version);
        await ((OverlayStateStore)store).WhenSnapshotWrittenAsync();
        return metrics;
    }
}
