using Sluice.Checkpointing;

namespace Sluice.State;

/// <summary>Opens <see cref="MemoryStateStore"/>s: state in the heap, changelogs and snapshots in the checkpoint.</summary>
internal sealed class MemoryStateStoreProvider(StateStoreOptions options) : IStateStoreProvider
{
    public async Task<IStateStore> OpenAsync(StateStoreId id, ICheckpointStore checkpoint, string queryId, long version,
        int minBatchesToRetain = CheckpointRetention.DefaultMinBatchesToRetain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, -1);
        return await MemoryStateStore.OpenAsync(new StateCheckpointFiles(checkpoint, id, minBatchesToRetain), options, version, cancellationToken);
    }
}
