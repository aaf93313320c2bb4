using System.Diagnostics;

namespace Sluice.State;

/// <summary>
/// The versioning shared by both stores: the working version is an overlay of puts and removes over the committed
/// state, so <see cref="Abort"/> only clears the overlay. <see cref="CommitAsync"/> writes the overlay as the version's
/// changelog before applying it to the committed state, so a failed write leaves the store at the previous version with
/// its working changes intact. Every <see cref="StateStoreOptions.SnapshotInterval"/> versions it also starts a
/// <see cref="StateSnapshotJob"/>, which writes the full snapshot off the grain's turn from a frozen view of the version
/// just committed; the changelogs are the durable record until it completes. One job at a time: a commit that falls due
/// while one runs leaves the snapshot to the first commit after it.
/// Keys and values are kept, not copied: do not change an array after passing it to <see cref="Put"/>, nor one that
/// <see cref="Get"/> or an iteration returned.
/// </summary>
internal abstract class OverlayStateStore : IStateStore
{
    private readonly OverlayEntries _overlay = new();
    // Key prefixes the working version removed whole (TakePrefix): the committed keys under them are gone, the overlay's
    // entries under them were put after the removal.
    private readonly List<RemovedPrefix> _removedPrefixes = [];
    private readonly StateCheckpointFiles _files;
    private readonly StateStoreOptions _options;
    private StateSnapshotJob? _snapshot;
    // The latest snapshot written (restored from, or by a completed job), and the latest one written or being written.
    private long _lastWrittenSnapshot;
    private long _lastSnapshot;
    private long? _failedVersion;
    private bool _disposed;
    private (byte[] Key, int Length)? _lastRead;

    protected OverlayStateStore(StateCheckpointFiles files, StateStoreOptions options, StateRestore restored)
    {
        _files = files;
        _options = options;
        Version = restored.Version;
        NumRowsTotal = restored.NumRowsTotal;
        StateBytesTotal = restored.StateBytesTotal;
        _lastWrittenSnapshot = _lastSnapshot = restored.SnapshotVersion;
    }

    public long Version { get; private set; }

    /// <summary>Rows in the committed version.</summary>
    protected long NumRowsTotal { get; private set; }

    /// <summary>Key and value bytes in the committed version.</summary>
    protected long StateBytesTotal { get; private set; }

    /// <summary>Key and value bytes of the working changes.</summary>
    protected long OverlayBytes => _overlay.PayloadBytes;

    /// <summary>Keys changed in the working version.</summary>
    protected int OverlayCount => _overlay.Count;

    protected StateStoreId Id => _files.Id;

    public byte[]? Get(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfDisposed();
        if (_overlay.TryGet(key, out var value))
        {
            return value;
        }
        if (IsRemovedWhole(key))
        {
            return null;
        }
        var committed = GetCommitted(key);
        _lastRead = (key, committed?.Length ?? -1);
        return committed;
    }

    public void Put(byte[] key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ThrowIfDisposed();
        _overlay.Set(key, value, IsRemovedWhole(key) ? -1 : CommittedLengthIfJustRead(key));
    }

    public void Remove(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfDisposed();
        _overlay.Set(key, null, IsRemovedWhole(key) ? -1 : CommittedLengthIfJustRead(key));
    }

    public void Change(byte[] key, byte[]? value, int committedValueLength)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(committedValueLength, -1);
        ThrowIfDisposed();
        _overlay.Set(key, value, IsRemovedWhole(key) ? -1 : committedValueLength);
    }

    /// <summary>Whether a prefix the working version removed whole covers <paramref name="key"/> (its committed value is gone).</summary>
    private bool IsRemovedWhole(byte[] key)
    {
        foreach (var removed in _removedPrefixes)
        {
            if (key.AsSpan().StartsWith(removed.Prefix))
            {
                return true;
            }
        }
        return false;
    }

    public void Change(byte[] key, byte[] value, int committedValueLength, KeptBytes kept)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfLessThan(committedValueLength, -1);
        ThrowIfDisposed();
        // Under a prefix this version removed there is no committed value to keep bytes of.
        if (IsRemovedWhole(key))
        {
            _overlay.Set(key, value, -1);
            return;
        }
        _overlay.Set(key, value, committedValueLength, kept);
    }

    /// <summary>
    /// Operators read a key, then write it: the committed length seen by that read is kept with the change, so the
    /// commit need not look the key up again to count rows and bytes.
    /// </summary>
    private int CommittedLengthIfJustRead(byte[] key) =>
        _lastRead is { } last && ReferenceEquals(last.Key, key) ? last.Length : SortedEntries.Entry.UnknownLength;

    public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate() => IteratePrefix([]);

    /// <summary>
    /// The entries as they were when the enumeration started: puts and removes made while enumerating (e.g. expiring
    /// the entries being read) do not disturb it.
    /// </summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ThrowIfDisposed();
        return Merge(prefix, taken: null);
    }

    /// <summary>
    /// As <see cref="IteratePrefix"/>, then the prefix is removed as one range once the enumeration ends: one changelog
    /// record and one RocksDB range tombstone for a closed window's groups, not an overlay entry, a write and a record
    /// per group. The committed rows and bytes under it are counted as the scan reads them, for the commit's totals.
    /// </summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> TakePrefix(byte[] prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ThrowIfDisposed();
        return prefix.Length == 0 || StateKeys.PrefixUpperBound(prefix) is null ? IStateStore.TakeEachKey(this, prefix) : Take(prefix);
    }

    private IEnumerable<KeyValuePair<byte[], byte[]>> Take(byte[] prefix)
    {
        var taken = new TakenCount();
        foreach (var entry in Merge(prefix, taken))
        {
            yield return entry;
        }
        _overlay.RemovePrefix(prefix);
        _removedPrefixes.Add(new RemovedPrefix(prefix, taken.Rows, taken.Bytes));
    }

    /// <summary>The committed rows and bytes a <see cref="Merge"/> went over.</summary>
    private sealed class TakenCount
    {
        public long Rows;
        public long Bytes;
    }

    public async Task<StateStoreMetrics> CommitAsync(long version, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (version != Version + 1)
        {
            throw new InvalidOperationException(
                $"State store {Id.Operator}/{Id.KeyGroup} is at version {Version}, so the next commit must be version {Version + 1}, not {version}. " +
                $"To commit version {version}, open the store at version {version - 1}.");
        }
        var started = Stopwatch.GetTimestamp();
        var custom = new Dictionary<string, long>();
        if (_snapshot is { IsCompleted: false } running && version - running.Version > _options.SnapshotInterval)
        {
            // The snapshot fell an interval behind (a busy thread pool, a slow store): wait for it, since only a
            // written snapshot lets the purge go, and a snapshot every interval is what bounds the checkpoint's files.
            await running.Completion.WaitAsync(cancellationToken);
            custom["stateSnapshotWaits"] = 1;
        }
        CollectSnapshot(custom);
        var changes = VersionChanges.Collect(_removedPrefixes, Entries(), _overlay.PayloadBytes, CommittedValueLength, NumRowsTotal, StateBytesTotal, version);
        var deltaLength = changes.Delta.Length;
        var checkpointStarted = Stopwatch.GetTimestamp();
        await _files.WriteAsync(version, StateFileKind.Delta, changes.Delta, cancellationToken);
        var checkpointMs = (long)Stopwatch.GetElapsedTime(checkpointStarted).TotalMilliseconds;
        var applyStarted = Stopwatch.GetTimestamp();
        try
        {
            ApplyCommitted(_removedPrefixes, Entries(), changes.Records.Span);
        }
        catch
        {
            // Half applied: the committed state is neither version. The checkpoint holds the truth; reopen from it.
            _failedVersion = version;
            throw;
        }
        finally
        {
            // The file is written: its buffers are the pool's again however the apply went.
            changes.ReleaseDelta();
        }
        var applyMs = (long)Stopwatch.GetElapsedTime(applyStarted).TotalMilliseconds;
        _overlay.Clear();
        _removedPrefixes.Clear();
        _lastRead = null;
        Version = version;
        NumRowsTotal = changes.RowsTotal;
        StateBytesTotal = changes.BytesTotal;
        custom["stateOnCurrentVersionSizeBytes"] = StateBytesTotal;
        custom["stateChangelogBytes"] = deltaLength;
        custom["stateSnapshotBytes"] = StartSnapshotIfDue();
        custom["stateCheckpointWriteLatency"] = checkpointMs;
        AddCustomMetrics(custom, applyMs);
        return new StateStoreMetrics(NumRowsTotal, changes.RowsUpdated, changes.RowsRemoved, EstimateMemoryBytes(),
            (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, custom);
    }

    /// <summary>
    /// The working version's entries for the commit: in key order when the store applies them so (the changelog itself
    /// needs no order: a restore and a replay's comparison take records in any order).
    /// </summary>
    private ReadOnlySpan<SortedEntries.Entry> Entries() => AppliesInKeyOrder ? _overlay.Sorted() : _overlay.InAnyOrder();

    /// <summary>Completes when no snapshot is being written (never faults); for tests and orderly shutdowns.</summary>
    internal Task WhenSnapshotWrittenAsync() => _snapshot?.Completion ?? Task.CompletedTask;

    public void Abort()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _overlay.Clear();
        _removedPrefixes.Clear();
        _lastRead = null;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            // The job reads the committed state: it lets go of it before the state closes. Its snapshot may be lost;
            // the changelogs it would have replaced are all still there.
            _snapshot?.CancelAndWait();
            _snapshot = null;
            _overlay.Clear();
            Close();
        }
        GC.SuppressFinalize(this);
    }

    protected abstract byte[]? GetCommitted(byte[] key);

    /// <summary>Length of the committed value of <paramref name="key"/>; -1 when the key is not committed.</summary>
    protected abstract int CommittedValueLength(byte[] key);

    /// <summary>Committed entries with the prefix, ascending; must not see changes applied after it started.</summary>
    protected abstract IEnumerable<KeyValuePair<byte[], byte[]>> IterateCommitted(byte[] prefix);

    /// <summary>
    /// Whether <see cref="ApplyCommitted"/> takes the entries in key order (RocksDB inserts keys in order much faster
    /// than unordered); a store that sorts later, or never, saves the commit the sort.
    /// </summary>
    protected virtual bool AppliesInKeyOrder => true;

    /// <summary>
    /// Applies a version's changes to the committed state: first <paramref name="removedPrefixes"/> (every committed key
    /// under each is removed), then the changes, given twice: the entries <see cref="VersionChanges.Collect"/>
    /// went over, in key order when <see cref="AppliesInKeyOrder"/>, of which only those <see cref="VersionChanges.IsChange"/> says change it (null value:
    /// remove); and <paramref name="records"/>, the same changes as the changelog's uncompressed records
    /// (<see cref="StateFile.RecordEnumerator"/>), in the same order. A store that copies bytes reads the records (one
    /// sequential pass); one that keeps arrays takes the entries'.
    /// </summary>
    protected abstract void ApplyCommitted(IReadOnlyList<RemovedPrefix> removedPrefixes, ReadOnlySpan<SortedEntries.Entry> entries, ReadOnlySpan<byte> records);

    protected abstract long EstimateMemoryBytes();

    /// <summary>Adds the store's own metrics; <paramref name="applyMs"/> is how long applying the version took.</summary>
    protected virtual void AddCustomMetrics(Dictionary<string, long> metrics, long applyMs)
    {
    }

    protected abstract void Close();

    /// <summary>A frozen view of the committed version that another thread may read while later versions are applied.</summary>
    protected abstract IStateSnapshotSource CaptureCommitted();

    /// <summary>Starts the snapshot of the version just committed when one is due and none runs; returns its size (0: none).</summary>
    private long StartSnapshotIfDue()
    {
        if (_snapshot is not null || Version - _lastSnapshot < _options.SnapshotInterval)
        {
            return 0;
        }
        IStateSnapshotSource source;
        try
        {
            source = CaptureCommitted();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The version is committed already: a snapshot that cannot start is retried by the next commit.
            return 0;
        }
        _snapshot = StateSnapshotJob.Start(_files, Version, NumRowsTotal, StateBytesTotal, source);
        _lastSnapshot = Version;
        return _snapshot.Length;
    }

    /// <summary>
    /// Reports a snapshot job that ended since the last commit. A failed one is retried by the next commit: the version
    /// is durable through its changelogs, so a failure here must not fail the commit (the query would rerun a batch that
    /// succeeded). A failed purge only leaves files for the next snapshot's purge.
    /// </summary>
    private void CollectSnapshot(Dictionary<string, long> metrics)
    {
        if (_snapshot is not { IsCompleted: true } job)
        {
            return;
        }
        _snapshot = null;
        var outcome = job.Completion.Result;
        metrics["stateSnapshotWriteLatency"] = outcome.WriteMs;
        if (outcome.Written)
        {
            _lastWrittenSnapshot = job.Version;
            metrics["stateFilesPurged"] = outcome.FilesPurged;
            if (outcome.PurgeFailed)
            {
                metrics["stateFilesPurgeFailed"] = 1;
            }
        }
        else
        {
            _lastSnapshot = _lastWrittenSnapshot;
            metrics["stateSnapshotFailed"] = 1;
        }
    }

    /// <param name="taken">Counts the committed entries read (shadowed or not), when given.</param>
    private IEnumerable<KeyValuePair<byte[], byte[]>> Merge(byte[] prefix, TakenCount? taken)
    {
        var overlay = _overlay.CopyRange(prefix);
        var i = 0;
        var removed = _removedPrefixes.Count > 0;
        foreach (var committed in IterateCommitted(prefix))
        {
            if (removed && IsRemovedWhole(committed.Key))
            {
                continue;
            }
            if (taken is not null)
            {
                taken.Rows++;
                taken.Bytes += committed.Key.Length + committed.Value.Length;
            }
            var shadowed = false;
            for (; i < overlay.Length; i++)
            {
                var order = StateKeys.Comparer.Compare(overlay[i].Key, committed.Key);
                if (order > 0)
                {
                    break;
                }
                if (overlay[i].Value is { } value)
                {
                    yield return new(overlay[i].Key, value);
                }
                if (order == 0)
                {
                    shadowed = true;
                    i++;
                    break;
                }
            }
            if (!shadowed)
            {
                yield return committed;
            }
        }
        for (; i < overlay.Length; i++)
        {
            if (overlay[i].Value is { } value)
            {
                yield return new(overlay[i].Key, value);
            }
        }
    }

    private void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failedVersion is { } failed)
        {
            throw new InvalidOperationException(
                $"State store {Id.Operator}/{Id.KeyGroup} failed while applying version {failed} and cannot be used; dispose it and open it again.");
        }
    }
}
