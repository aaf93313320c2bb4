using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators.Join;

/// <summary>
/// The rows one batch stored for one join side of a key group, kept in the store as one entry (key: side + 4, batch;
/// value: per row its row key, side, join key, batch, n, and its stored value, each as <see cref="RowCodec"/> binary),
/// for a side whose matched flags are never read (<see cref="StreamJoinOperator.StoresPerBatch"/>). A row leaves the
/// entry at eviction without a write: the entry goes when its last row goes, and the side's eviction threshold is kept
/// (key: side + 6, value: the threshold) so a restart does not bring back rows evicted from an entry still held.
/// Nexmark q7's bids were a put and a delete each; now they are one put and one delete per batch and key group, and a
/// row evicted in the batch that stored it is never written.
/// </summary>
internal sealed class SideBatch(int side, long batch)
{
    /// <summary>The first value of a stored entry's key: 0 and 1 a row (side), 4 and 5 a batch of rows, 6 and 7 a threshold.</summary>
    public const int RowKind = 0, BatchKind = 4, ThresholdKind = 6;

    private readonly List<(StoredJoinRow Row, byte[] Value)> _pending = [];

    public int Side => side;

    public long Batch => batch;

    public byte[] Key { get; } = EncodeKey(BatchKind + side, batch);

    /// <summary>Whether the entry is in the store (else its rows wait for the end of the batch that stores them).</summary>
    public bool Written { get; private set; }

    /// <summary>Rows of the entry not evicted yet.</summary>
    public int Live { get; set; }

    /// <summary>The stored value's length.</summary>
    public int Length { get; private set; }

    /// <summary>The batch's rows of the side, with their values, until <see cref="Write"/> (the cache may not hold the values).</summary>
    public IReadOnlyList<(StoredJoinRow Row, byte[] Value)> Pending => _pending;

    public void Add(StoredJoinRow row, byte[] value) => _pending.Add((row, value));

    /// <summary>Stores the batch's rows not evicted already and lets go of their values; whether any was written.</summary>
    public bool Write(IStateStore store)
    {
        // Sized first and written once: an entry holds a whole batch's rows of the side (megabytes for Nexmark q7).
        var length = 0;
        foreach (var (row, value) in _pending)
        {
            if (!row.Evicted)
            {
                length += BinaryLength(row.StateKey.Length) + BinaryLength(value.Length);
                Live++;
            }
        }
        if (Live > 0)
        {
            var encoded = new byte[length];
            var at = 0;
            foreach (var (row, value) in _pending)
            {
                if (!row.Evicted)
                {
                    at += WriteBinary(encoded.AsSpan(at), row.StateKey);
                    at += WriteBinary(encoded.AsSpan(at), value);
                }
            }
            Length = length;
            Written = true;
            store.Change(Key, encoded, committedValueLength: -1);
        }
        _pending.Clear();
        return Written;
    }

    /// <summary>The bytes <c>RowCodec.WriteBinary</c> writes for <paramref name="length"/> bytes: tag, varint length, bytes.</summary>
    private static int BinaryLength(int length)
    {
        var n = 2;
        for (var v = (uint)length; v >= 0x80; v >>= 7)
        {
            n++;
        }
        return n + length;
    }

    /// <summary>As <c>RowCodec.WriteBinary</c>, into <paramref name="to"/>; the bytes written.</summary>
    private static int WriteBinary(Span<byte> to, ReadOnlySpan<byte> bytes)
    {
        to[0] = (byte)ValueTag.Binary;
        var n = 1;
        var v = (uint)bytes.Length;
        for (; v >= 0x80; v >>= 7)
        {
            to[n++] = (byte)(v | 0x80);
        }
        to[n++] = (byte)v;
        bytes.CopyTo(to[n..]);
        return n + bytes.Length;
    }

    /// <summary>An entry read from the store.</summary>
    public static SideBatch Stored(int side, long batch, int length) => new(side, batch) { Written = true, Length = length };

    /// <summary>Its committed value's length for the store (-1: written by the batch running at <paramref name="storeVersion"/> + 1).</summary>
    public int CommittedLength(long storeVersion) => batch <= storeVersion ? Length : -1;

    /// <summary>An entry's rows: each row's key (side, join key, batch, n) and stored value (matched, eviction time, row).</summary>
    public static List<(byte[] StateKey, byte[] Value)> Decode(ReadOnlySpan<byte> value)
    {
        var rows = new List<(byte[], byte[])>();
        Scan(value, [], null, rows);
        return rows;
    }

    /// <summary>
    /// Adds to <paramref name="into"/> the entry's rows whose key starts with <paramref name="prefix"/> (a side and join
    /// key) and whose eviction time is above <paramref name="evictedThrough"/>, copying only those; the rows scanned.
    /// </summary>
    public static int Scan(ReadOnlySpan<byte> value, ReadOnlySpan<byte> prefix, long? evictedThrough, List<(byte[] StateKey, byte[] Value)> into)
    {
        var reader = new RowReader(value);
        var scanned = 0;
        try
        {
            while (!reader.End)
            {
                var stateKey = reader.ReadBinary();
                var rowValue = reader.ReadBinary();
                scanned++;
                if (stateKey.StartsWith(prefix) &&
                    (evictedThrough is not { } through || StoredJoinRow.ReadHeader(rowValue).EvictionMs is not { } ms || ms > through))
                {
                    into.Add((stateKey.ToArray(), rowValue.ToArray()));
                }
            }
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new FormatException("a join side's batch entry in the state is damaged; restore the checkpoint's state from a copy or start the query from a new checkpoint", e);
        }
        return scanned;
    }

    public static byte[] ThresholdKey(int side) => RowCodec.Encode([ThresholdKind + side]);

    public static byte[] EncodeKey(int kind, long batch) => RowCodec.Encode([kind, batch]);

    /// <summary>The prefix of <paramref name="side"/>'s batch entries' keys.</summary>
    public static byte[] Prefix(int side) => RowCodec.Encode([BatchKind + side]);
}
