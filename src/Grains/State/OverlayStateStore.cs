using System.Diagnostics;

namespace Sluice.State;

/// <summary>
/// The versioning shared by both stores: the working version is an overlay of puts and removes over the committed
/// state, so <see cref="Abort"/> only clears the overlay. <see cref="CommitAsync"/> writes the overlay as the version's
/// changelog (and a snapshot every <see cref="StateStoreOptions.SnapshotInterval"/> versions) before applying it to the
/// committed state, so a failed write leaves the store at the previous version with its working changes intact.
/// Keys and values are kept, not copied: do not change an array after passing it to <see cref="Put"/>, nor one that
/// <see cref="Get"/> or an iteration returned.
/// </summary>
internal abstract class OverlayStateStore : IStateStore
{
    private readonly SortedEntries _overlay = new();
    private readonly StateCheckpointFiles _files;
    private readonly StateStoreOptions _options;
    private long _lastSnapshot;
    private long? _failedVersion;
    private bool _disposed;

    protected OverlayStateStore(StateCheckpointFiles files, StateStoreOptions options, StateRestore restored)
    {
        _files = files;
        _options = options;
        Version = restored.Version;
        NumRowsTotal = restored.NumRowsTotal;
        _lastSnapshot = restored.SnapshotVersion;
    }

    public long Version { get; private set; }

    /// <summary>Rows in the committed version.</summary>
    protected long NumRowsTotal { get; private set; }

    /// <summary>Key and value bytes of the working changes.</summary>
    protected long OverlayBytes => _overlay.PayloadBytes;

    /// <summary>Keys changed in the working version.</summary>
    protected int OverlayCount => _overlay.Count;

    protected StateStoreId Id => _files.Id;

    public byte[]? Get(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfDisposed();
        return _overlay.TryGet(key, out var value) ? value : GetCommitted(key);
    }

    public void Put(byte[] key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ThrowIfDisposed();
        _overlay.Set(key, value);
    }

    public void Remove(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfDisposed();
        _overlay.Set(key, null);
    }

    public IEnumerable<KeyValuePair<byte[], byte[]>> Iterate() => IteratePrefix([]);

    /// <summary>
    /// The entries as they were when the enumeration started: puts and removes made while enumerating (e.g. expiring
    /// the entries being read) do not disturb it.
    /// </summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ThrowIfDisposed();
        return Merge(prefix);
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
        var changes = new List<KeyValuePair<byte[], byte[]?>>(_overlay.Count);
        long updated = 0, removed = 0, total = NumRowsTotal;
        var capacity = StateFileWriter.HeaderLength + StateFileWriter.TrailerLength;
        foreach (var entry in _overlay.Range([]))
        {
            var existed = ContainsCommitted(entry.Key);
            if (entry.Value is null)
            {
                if (!existed)
                {
                    continue;
                }
                removed++;
                total--;
                capacity += StateFileWriter.RemoveLength(entry.Key.Length);
            }
            else
            {
                updated++;
                total += existed ? 0 : 1;
                capacity += StateFileWriter.PutLength(entry.Key.Length, entry.Value.Length);
            }
            changes.Add(new(entry.Key, entry.Value));
        }
        var delta = new StateFileWriter(StateFileKind.Delta, version, capacity);
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                delta.Remove(key);
            }
            else
            {
                delta.Put(key, value);
            }
        }
        var deltaBytes = delta.Finish(total);
        var snapshotBytes = version - _lastSnapshot >= _options.SnapshotInterval ? WriteSnapshot(version, total) : (ReadOnlyMemory<byte>?)null;
        var checkpointStarted = Stopwatch.GetTimestamp();
        await _files.WriteAsync(version, StateFileKind.Delta, deltaBytes, cancellationToken);
        if (snapshotBytes is { } snapshot)
        {
            await _files.WriteAsync(version, StateFileKind.Snapshot, snapshot, cancellationToken);
        }
        var checkpointMs = (long)Stopwatch.GetElapsedTime(checkpointStarted).TotalMilliseconds;
        var applyStarted = Stopwatch.GetTimestamp();
        try
        {
            ApplyCommitted(changes);
        }
        catch
        {
            // Half applied: the committed state is neither version. The checkpoint holds the truth; reopen from it.
            _failedVersion = version;
            throw;
        }
        var applyMs = (long)Stopwatch.GetElapsedTime(applyStarted).TotalMilliseconds;
        _overlay.Clear();
        Version = version;
        NumRowsTotal = total;
        var purged = 0;
        if (snapshotBytes is not null)
        {
            _lastSnapshot = version;
            purged = await _files.PurgeAsync(version, _options.MinVersionsToRetain, cancellationToken);
        }
        var custom = new Dictionary<string, long>
        {
            ["stateChangelogBytes"] = deltaBytes.Length,
            ["stateSnapshotBytes"] = snapshotBytes?.Length ?? 0,
            ["stateFilesPurged"] = purged,
            ["stateCheckpointWriteLatency"] = checkpointMs,
        };
        AddCustomMetrics(custom, applyMs);
        return new StateStoreMetrics(total, updated, removed, EstimateMemoryBytes(), (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, custom);
    }

    public void Abort()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _overlay.Clear();
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _overlay.Clear();
            Close();
        }
        GC.SuppressFinalize(this);
    }

    protected abstract byte[]? GetCommitted(byte[] key);

    protected abstract bool ContainsCommitted(byte[] key);

    /// <summary>Committed entries with the prefix, ascending; must not see changes applied after it started.</summary>
    protected abstract IEnumerable<KeyValuePair<byte[], byte[]>> IterateCommitted(byte[] prefix);

    /// <summary>Applies a version's changes (null value: remove) to the committed state.</summary>
    protected abstract void ApplyCommitted(List<KeyValuePair<byte[], byte[]?>> changes);

    protected abstract long EstimateMemoryBytes();

    protected abstract void AddCustomMetrics(Dictionary<string, long> metrics, long applyMs);

    protected abstract void Close();

    private ReadOnlyMemory<byte> WriteSnapshot(long version, long total)
    {
        var writer = new StateFileWriter(StateFileKind.Snapshot, version, (int)Math.Min(Array.MaxLength, 64 + (total * 64)));
        foreach (var (key, value) in Merge([]))
        {
            writer.Put(key, value);
        }
        return writer.Finish(total);
    }

    private IEnumerable<KeyValuePair<byte[], byte[]>> Merge(byte[] prefix)
    {
        var overlay = _overlay.CopyRange(prefix);
        var i = 0;
        foreach (var committed in IterateCommitted(prefix))
        {
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
