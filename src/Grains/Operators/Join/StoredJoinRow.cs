namespace Sluice.Operators.Join;

/// <summary>
/// One row of a join side's state as <see cref="JoinStateCache"/> holds it: its state key (side, join key, batch, n),
/// when it is evicted, and, while the cache mirrors the state, the row itself and whether it has matched.
/// </summary>
internal sealed class StoredJoinRow(int side, byte[] joinKey, byte[] stateKey, long? evictionMs, long batch, int valueLength)
{
    public int Side => side;

    /// <summary>The encoded join key (empty for a preserved side's NULL-key row).</summary>
    public byte[] JoinKey => joinKey;

    public byte[] StateKey => stateKey;

    /// <summary>Evicted once its side's state watermark reaches this (null: never).</summary>
    public long? EvictionMs => evictionMs;

    /// <summary>The batch that stored it: committed once the store's version reaches it.</summary>
    public long Batch => batch;

    /// <summary>The length of its stored value, the same matched or not (the flag is one tag byte either way).</summary>
    public int ValueLength => valueLength;

    /// <summary>The row (null while the cache does not mirror the state: read the store).</summary>
    public object?[]? Row { get; set; }

    /// <summary>Whether it has matched a row of the other side (meaningful only while <see cref="Row"/> is held).</summary>
    public bool Matched { get; set; }

    /// <summary>Set when it leaves the state, so its side's list drops it in one pass.</summary>
    public bool Evicted { get; set; }

    /// <summary>Its committed value's length for the store (-1: stored by the batch running at <paramref name="storeVersion"/> + 1).</summary>
    public int CommittedLength(long storeVersion) => batch <= storeVersion ? valueLength : -1;
}
