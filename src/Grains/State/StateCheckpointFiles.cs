using System.Globalization;
using System.Runtime.CompilerServices;
using Sluice.Checkpointing;

namespace Sluice.State;

/// <summary>
/// The files of one store in the checkpoint, under <c>state/&lt;operator&gt;/&lt;keyGroup&gt;/</c>: <c>N.delta</c> for every
/// committed version N and <c>N.snapshot</c> every few versions. Version N restores from the latest snapshot at or
/// before N plus the deltas after it. The store keeps every version from N - <paramref name="minBatchesToRetain"/> on
/// restorable (the query's <c>minBatchesToRetain</c>, as Spark's state stores keep theirs): the oldest retained batch can
/// re-run, and so can batch N (from version N - 1) when it failed after the store committed it.
/// </summary>
internal sealed class StateCheckpointFiles(ICheckpointStore checkpoint, StateStoreId id, int minBatchesToRetain = CheckpointRetention.DefaultMinBatchesToRetain)
{
    private const string DeltaSuffix = ".delta";
    private const string SnapshotSuffix = ".snapshot";

    public StateStoreId Id { get; } = id;

    /// <summary>A file of the store, parsed from its name.</summary>
    public readonly record struct Entry(long Version, StateFileKind Kind);

    public string PathOf(long version, StateFileKind kind) =>
        $"{Id.CheckpointDirectory}/{version.ToString(CultureInfo.InvariantCulture)}{(kind == StateFileKind.Delta ? DeltaSuffix : SnapshotSuffix)}";

    /// <summary>The file as messages show it: checkpoint location and path.</summary>
    public string Describe(long version, StateFileKind kind) => $"{checkpoint.Location}/{PathOf(version, kind)}";

    /// <summary>The store's files; names that are not <c>N.delta</c> or <c>N.snapshot</c> are not the store's and are left alone.</summary>
    public async Task<List<Entry>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new List<Entry>();
        foreach (var name in await checkpoint.ListAsync(Id.CheckpointDirectory, cancellationToken))
        {
            if (TryParse(name, DeltaSuffix, out var version))
            {
                entries.Add(new Entry(version, StateFileKind.Delta));
            }
            else if (TryParse(name, SnapshotSuffix, out version))
            {
                entries.Add(new Entry(version, StateFileKind.Snapshot));
            }
        }
        return entries;
    }

    /// <summary>
    /// Deletes the files after <paramref name="version"/> (never committed by the query) and yields, checked and in order,
    /// the files that rebuild <paramref name="version"/>: the latest snapshot at or before it, then the deltas after that.
    /// </summary>
    public async IAsyncEnumerable<StateFile> RestoreAsync(long version, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var entries = await ListAsync(cancellationToken);
        foreach (var stale in entries.Where(e => e.Version > version))
        {
            await checkpoint.DeleteAsync(PathOf(stale.Version, stale.Kind), cancellationToken);
        }
        if (version < 0)
        {
            yield break;
        }
        var present = entries.Where(e => e.Version <= version).ToHashSet();
        if (!present.Contains(new Entry(version, StateFileKind.Delta)) && !present.Contains(new Entry(version, StateFileKind.Snapshot)))
        {
            throw new CheckpointCorruptException(Describe(version, StateFileKind.Delta),
                $"it is missing: version {version} of state store {Id.Operator}/{Id.KeyGroup} has neither a changelog nor a snapshot");
        }
        var snapshot = LatestSnapshot(present, version);
        for (var v = snapshot + 1; v <= version; v++)
        {
            if (!present.Contains(new Entry(v, StateFileKind.Delta)))
            {
                var from = snapshot < 0 ? "the first version" : $"snapshot {snapshot}";
                throw new CheckpointCorruptException(Describe(v, StateFileKind.Delta),
                    $"it is missing: restoring version {version} needs every changelog from {from} on, and this one is gone");
            }
        }
        if (snapshot >= 0)
        {
            yield return await ReadAsync(snapshot, StateFileKind.Snapshot, cancellationToken);
        }
        for (var v = snapshot + 1; v <= version; v++)
        {
            yield return await ReadAsync(v, StateFileKind.Delta, cancellationToken);
        }
    }

    /// <summary>The newest snapshot at or before <paramref name="version"/>, or -1.</summary>
    public static long LatestSnapshot(IEnumerable<Entry> entries, long version) =>
        entries.Where(e => e.Kind == StateFileKind.Snapshot && e.Version <= version).Select(e => e.Version).DefaultIfEmpty(-1).Max();

    public async Task<StateFile> ReadAsync(long version, StateFileKind kind, CancellationToken cancellationToken)
    {
        var bytes = await checkpoint.ReadBytesAsync(PathOf(version, kind), cancellationToken)
            ?? throw new CheckpointCorruptException(Describe(version, kind), "it disappeared while the store was being restored");
        return StateFile.Parse(bytes, Describe(version, kind), kind, version);
    }

    /// <summary>
    /// Writes a file once. A file already there with the same content is a replay that got this far before (fine): the
    /// same bytes, or the same records in another order or format (<see cref="StateFile.SameContent"/>: a replay by a
    /// Sluice that compresses where the first attempt's did not, or orders records otherwise, writes other bytes for the
    /// same version). Different content means another writer committed this version of the store, and the store must not go on.
    /// </summary>
    public async Task WriteAsync(long version, StateFileKind kind, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = PathOf(version, kind);
        if (await checkpoint.TryCreateBytesAsync(path, content, cancellationToken))
        {
            return;
        }
        var existing = await checkpoint.ReadBytesAsync(path, cancellationToken);
        if (existing is null || (!content.Span.SequenceEqual(existing) && !StateFile.SameContent(content.ToArray(), existing, Describe(version, kind))))
        {
            throw new InvalidOperationException(
                $"State file '{Describe(version, kind)}' was already written with different content: another activation committed " +
                $"version {version} of state store {Id.Operator}/{Id.KeyGroup}. Reopen the store at version {version - 1} and rerun the batch.");
        }
    }

    /// <summary>How many of the latest batches stay restorable (at least 1).</summary>
    public int MinBatchesToRetain { get; } = minBatchesToRetain >= 1
        ? minBatchesToRetain
        : throw new ArgumentOutOfRangeException(nameof(minBatchesToRetain), minBatchesToRetain, "At least one batch must stay restorable.");

    /// <summary>
    /// Deletes the files no restore of a version from <c><paramref name="version"/> - MinBatchesToRetain</c> on needs:
    /// everything before the newest snapshot at or before that version (that snapshot and the changelogs after it stay).
    /// Without such a snapshot nothing is deleted. Returns how many files went.
    /// </summary>
    public async Task<int> PurgeAsync(long version, CancellationToken cancellationToken)
    {
        var entries = await ListAsync(cancellationToken);
        var keepFrom = LatestSnapshot(entries, version - MinBatchesToRetain);
        var deleted = 0;
        foreach (var old in entries.Where(e => e.Version < keepFrom))
        {
            await checkpoint.DeleteAsync(PathOf(old.Version, old.Kind), cancellationToken);
            deleted++;
        }
        return deleted;
    }

    private static bool TryParse(string name, string suffix, out long version)
    {
        version = -1;
        return name.EndsWith(suffix, StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(0, name.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }
}
