namespace Sluice.State;

/// <summary>What a restore found: the version, its rows and their key+value bytes, and the snapshot it started from (-1: none).</summary>
internal readonly record struct StateRestore(long Version, long NumRowsTotal, long StateBytesTotal, long SnapshotVersion)
{
    /// <summary>
    /// Rebuilds <paramref name="version"/> from <paramref name="files"/>, handing each record to <paramref name="apply"/>
    /// (a null value is a remove), one file at a time.
    /// </summary>
    public static async Task<StateRestore> RunAsync(StateCheckpointFiles files, long version, IStateRestoreTarget apply, CancellationToken cancellationToken)
    {
        long total = 0, bytes = 0, snapshot = -1;
        await foreach (var file in files.RestoreAsync(version, cancellationToken))
        {
            apply.Apply(file);
            total = file.NumRowsTotal;
            bytes = file.StateBytesTotal;
            if (file.Kind == StateFileKind.Snapshot)
            {
                snapshot = file.Version;
            }
        }
        return new StateRestore(version, total, bytes, snapshot);
    }
}

/// <summary>Where a restore puts the records of each checked file.</summary>
internal interface IStateRestoreTarget
{
    void Apply(StateFile file);
}
