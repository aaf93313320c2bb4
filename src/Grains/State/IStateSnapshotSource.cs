namespace Sluice.State;

/// <summary>
/// One committed version of a store, frozen: later commits do not show in it, and another thread may read it while the
/// store goes on. Disposing it releases what holds the version (a RocksDB snapshot); the store must not close before.
/// </summary>
internal interface IStateSnapshotSource : IDisposable
{
    /// <summary>Writes every entry of the version, in key order, as puts; checks <paramref name="cancellationToken"/> as it goes.</summary>
    void WriteTo(StateFileWriter writer, CancellationToken cancellationToken);
}
