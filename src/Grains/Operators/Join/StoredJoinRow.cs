using Sluice.State.Encoding;

namespace Sluice.Operators.Join;

/// <summary>
/// One row of a join side's state as <see cref="JoinStateCache"/> holds it: its state key (side, join key, batch, n),
/// when it is evicted, and, while the cache mirrors the state, its stored value (decoded when first probed) and whether
/// it has matched. A row a batch stores in its side's batch entry (<see cref="SideBatch"/>) has no arrays of its own:
/// its key and value are bytes of the entry, at <see cref="EntryOffset"/>, and its state key is encoded again only when
/// asked for (compared while indexing, or read past the budget).
/// </summary>
internal sealed class StoredJoinRow(int side, byte[] joinKey, byte[]? stateKey, long? evictionMs, long batch, int valueLength)
{
    private byte[]? _stateKey = stateKey;

    /// <summary>A row of <paramref name="entry"/> whose key is its <paramref name="n"/>th of the batch (its state key is not built).</summary>
    public StoredJoinRow(SideBatch entry, byte[] joinKey, long n, long? evictionMs, int valueLength)
        : this(entry.Side, joinKey, null, evictionMs, entry.Batch, valueLength)
    {
        StoredIn = entry;
        N = n;
    }

    public int Side => side;

    /// <summary>The encoded join key (empty for a preserved side's NULL-key row).</summary>
    public byte[] JoinKey => joinKey;

    public byte[] StateKey => _stateKey ??= StreamJoinOperator.StateKey(side, joinKey, batch, N);

    /// <summary>Its place in the batch that stored it (the state key's last value), for a row built without its state key.</summary>
    public long N { get; }

    /// <summary>Where its value starts in its batch entry's bytes (-1: not there; see <see cref="SideBatch.ValueOf"/>).</summary>
    public int EntryOffset { get; set; } = -1;

    /// <summary>Evicted once its side's state watermark reaches this (null: never).</summary>
    public long? EvictionMs => evictionMs;

    /// <summary>The batch that stored it: committed once the store's version reaches it.</summary>
    public long Batch => batch;

    /// <summary>The length of its stored value, the same matched or not (the flag is one tag byte either way).</summary>
    public int ValueLength => valueLength;

    private object?[]? _row;

    /// <summary>
    /// Its stored value, the very array the store was given (never changed: marking the row matched replaces it), or
    /// null while the cache does not mirror the state (read the store) or the value is in its batch entry's bytes.
    /// </summary>
    public byte[]? Value { get; set; }

    /// <summary>Its stored value's bytes: <see cref="Value"/>, or its place in its batch entry.</summary>
    public ReadOnlySpan<byte> StoredValue
    {
        get
        {
            if (Value is { } value)
            {
                return value;
            }
            return EntryOffset >= 0 ? StoredIn!.ValueOf(this) : throw new InvalidOperationException("the join state cache does not mirror the state; read the store");
        }
    }

    /// <summary>
    /// The row, decoded from <see cref="Value"/> the first time it is asked for and then kept (a probed row is likely
    /// probed again). Decoded, not the row the batch stored, so a value the codec normalizes (NaN, -0.0, a non-UTC
    /// time, a lone surrogate) comes out as a read of the store gives it.
    /// </summary>
    public object?[] Row => _row ??= RowCodec.Decode(StoredValue)[2..];

    /// <summary>The batch entry of its side that holds it (null: stored as its own entry, under <see cref="StateKey"/>).</summary>
    public SideBatch? StoredIn { get; init; }

    /// <summary>Whether it has matched a row of the other side (meaningful only while <see cref="Row"/> is held).</summary>
    public bool Matched { get; set; }

    /// <summary>Whether the cache's join key index holds it (else its side's list of unindexed rows does).</summary>
    public bool Indexed { get; set; }

    /// <summary>Set when it leaves the state, so its side's list drops it in one pass.</summary>
    public bool Evicted { get; set; }

    /// <summary>Whether <see cref="Row"/> has been decoded (a row no new row probed never is).</summary>
    public bool IsDecoded => _row is not null;

    /// <summary>Lets go of the value and the decoded row (the cache stopped mirroring the state).</summary>
    public void Drop()
    {
        Value = null;
        EntryOffset = -1;
        _row = null;
        StoredIn?.DropBytes();
    }

    /// <summary>A stored value's matched flag and eviction time, without decoding the row behind them.</summary>
    public static (bool Matched, long? EvictionMs) ReadHeader(ReadOnlySpan<byte> value)
    {
        var reader = new RowReader(value);
        return (reader.ReadValue(depth: 0) is true, reader.ReadValue(depth: 0) as long?);
    }

    /// <summary>Its committed value's length for the store (-1: stored by the batch running at <paramref name="storeVersion"/> + 1).</summary>
    public int CommittedLength(long storeVersion) => batch <= storeVersion ? valueLength : -1;
}
