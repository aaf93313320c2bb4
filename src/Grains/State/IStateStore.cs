namespace Sluice.State;

/// <summary>Where a stateful operator's key group keeps its state: <c>state/&lt;operator&gt;/&lt;keyGroup&gt;/</c> in the checkpoint.</summary>
internal readonly record struct StateStoreId(int Operator, int KeyGroup)
{
    public string CheckpointDirectory => $"state/{Operator}/{KeyGroup}";
}

/// <summary>Spark's state metrics for one store after a commit.</summary>
internal sealed record StateStoreMetrics(
    long NumRowsTotal,
    long NumRowsUpdated,
    long NumRowsRemoved,
    long MemoryUsedBytes,
    long CommitTimeMs,
    IReadOnlyDictionary<string, long> CustomMetrics);

/// <summary>
/// A versioned key-value store for one key group of one stateful operator. Version N is the state after batch N.
/// Changes made since the last commit form the working version: visible to Get/Iterate, made durable by
/// <see cref="CommitAsync"/>, thrown away by <see cref="Abort"/>.
/// </summary>
internal interface IStateStore : IDisposable
{
    /// <summary>The last committed version (batch id); -1 for a store with no committed state.</summary>
    long Version { get; }

    byte[]? Get(byte[] key);

    void Put(byte[] key, byte[] value);

    void Remove(byte[] key);

    /// <summary>
    /// A put (or a remove, for a null <paramref name="value"/>) from an operator that knows the key's committed value
    /// length (-1: the key is not committed), so the commit need not look the key up to count rows and bytes.
    /// </summary>
    void Change(byte[] key, byte[]? value, int committedValueLength)
    {
        if (value is null)
        {
            Remove(key);
        }
        else
        {
            Put(key, value);
        }
    }

    /// <summary>
    /// A put from an operator that knows the key's committed value (its length, <paramref name="committedValueLength"/>)
    /// and which of its bytes <paramref name="value"/> keeps (<paramref name="kept"/>), so the changelog may write only
    /// the rest (a patch record). The store keeps the whole value; one without patches puts it.
    /// </summary>
    void Change(byte[] key, byte[] value, int committedValueLength, KeptBytes kept) => Change(key, value, committedValueLength);

    /// <summary>Every entry of the working version, in ascending unsigned byte order of the key.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> Iterate();

    /// <summary>Entries whose key starts with <paramref name="prefix"/>, in ascending key order.</summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> IteratePrefix(byte[] prefix);

    /// <summary>
    /// Removes every entry whose key starts with <paramref name="prefix"/> (a closed window's groups), returning them as
    /// <see cref="IteratePrefix"/> would, ascending. The entries are removed once the enumeration reaches its end; a
    /// caller must not change keys with the prefix while enumerating. A store may record the removal as one range
    /// rather than a remove per key.
    /// </summary>
    IEnumerable<KeyValuePair<byte[], byte[]>> TakePrefix(byte[] prefix) => TakeEachKey(this, prefix);

    /// <summary><see cref="TakePrefix"/> as a remove per key, each given its working value's length.</summary>
    protected static IEnumerable<KeyValuePair<byte[], byte[]>> TakeEachKey(IStateStore store, byte[] prefix)
    {
        var taken = new List<KeyValuePair<byte[], byte[]>>();
        foreach (var entry in store.IteratePrefix(prefix))
        {
            taken.Add(entry);
            yield return entry;
        }
        foreach (var (key, value) in taken)
        {
            // For a key the working version has not changed, its value is the committed one, whose length the commit needs.
            store.Change(key, null, value.Length);
        }
    }

    /// <summary>Makes the working version durable as <paramref name="version"/> (changelog, and a snapshot every few versions).</summary>
    Task<StateStoreMetrics> CommitAsync(long version, CancellationToken cancellationToken = default);

    /// <summary>Discards the working version's changes.</summary>
    void Abort();
}

/// <summary>Opens stores; one provider per silo (memory or RocksDB).</summary>
internal interface IStateStoreProvider
{
    /// <summary>
    /// Opens the store of <paramref name="id"/> at committed <paramref name="version"/> (-1: empty), restored from the
    /// checkpoint's snapshot and changelogs. Files of versions after <paramref name="version"/> were never committed
    /// by the query and are deleted. A missing or damaged file is a <c>CheckpointCorruptException</c>, never an empty store.
    /// Commits keep every version from the committed one - <paramref name="minBatchesToRetain"/> on restorable and purge older files.
    /// </summary>
    Task<IStateStore> OpenAsync(StateStoreId id, Checkpointing.ICheckpointStore checkpoint, string queryId, long version,
        int minBatchesToRetain = Checkpointing.CheckpointRetention.DefaultMinBatchesToRetain, CancellationToken cancellationToken = default);
}
