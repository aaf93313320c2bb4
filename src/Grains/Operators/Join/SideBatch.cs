using System.Buffers;
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
/// <param name="rowsExpected">At most how many rows the batch adds (its new rows of the side): the staging buffer is
/// grown once to their estimated length rather than doubled through the pool's sizes, each of which the pool keeps.</param>
internal sealed class SideBatch(int side, long batch, int rowsExpected = 0)
{
    /// <summary>The first value of a stored entry's key: 0 and 1 a row (side), 4 and 5 a batch of rows, 6 and 7 a threshold.</summary>
    public const int RowKind = 0, BatchKind = 4, ThresholdKind = 6;

    // Until Write: the batch's rows, each as the entry holds it (key and value as RowCodec binary), one after the other
    // in a pooled buffer, so a row stored has no arrays of its own; per row its object (null: a row of a side the cache
    // does not mirror, which has none), where it starts and its length there, and its eviction time.
    private readonly List<(StoredJoinRow? Row, int Start, int Length, long EvictionMs)> _pending = [];
    private byte[] _staged = [];
    private int _stagedLength;
    // Once written: the entry's bytes, while the cache mirrors the side (its rows' values are read from them).
    private byte[]? _bytes;

    public int Side => side;

    public long Batch => batch;

    public byte[] Key { get; } = EncodeKey(BatchKind + side, batch);

    /// <summary>Whether the entry is in the store (else its rows wait for the end of the batch that stores them).</summary>
    public bool Written { get; private set; }

    /// <summary>Rows of the entry not evicted yet.</summary>
    public int Live { get; set; }

    /// <summary>The stored value's length.</summary>
    public int Length { get; private set; }

    /// <summary>The batch's rows of the side so far (until <see cref="Write"/>).</summary>
    public int PendingCount => _pending.Count;

    /// <summary>
    /// Adds a row of the batch with its state key (side, join key, batch, <paramref name="n"/>) and stored value, copied
    /// into the entry's bytes; the row reads its value from there.
    /// </summary>
    public StoredJoinRow Add(byte[] joinKey, long n, long evictionMs, ReadOnlySpan<byte> stateKey, ReadOnlySpan<byte> value)
    {
        var (start, length) = Stage(stateKey, value);
        var row = new StoredJoinRow(this, joinKey, n, evictionMs, value.Length) { EntryOffset = start + length - value.Length };
        _pending.Add((row, start, length, evictionMs));
        return row;
    }

    /// <summary>
    /// As <see cref="Add"/> for a side the cache does not mirror (past the budget): the row is its bytes in the entry
    /// and its eviction time only, with no object of its own; its side's <see cref="JoinStateCache"/> holds the entry
    /// once per row by that time, and <see cref="Write"/> leaves it out when the batch's threshold evicted it.
    /// </summary>
    public void AddUnheld(long evictionMs, ReadOnlySpan<byte> stateKey, ReadOnlySpan<byte> value)
    {
        var (start, length) = Stage(stateKey, value);
        _pending.Add((null, start, length, evictionMs));
    }

    /// <summary>Copies a row's state key and value into the staged bytes; where it starts and its length there.</summary>
    private (int Start, int Length) Stage(ReadOnlySpan<byte> stateKey, ReadOnlySpan<byte> value)
    {
        var keyLength = BinaryLength(stateKey.Length);
        var length = keyLength + BinaryLength(value.Length);
        if (_staged.Length - _stagedLength < length)
        {
            // The first rows tell the mean length: the rest of the batch's rows are estimated from it, an eighth over.
            var estimate = _pending.Count == 0 ? 0 : (long)_stagedLength / _pending.Count * (rowsExpected - _pending.Count) * 9 / 8;
            var size = Math.Min(Array.MaxLength, Math.Max(_stagedLength + Math.Max(length, estimate), Math.Max(64 * 1024, 2L * _staged.Length)));
            var grown = ArrayPool<byte>.Shared.Rent((int)size);
            _staged.AsSpan(0, _stagedLength).CopyTo(grown);
            Return(_staged);
            _staged = grown;
        }
        var start = _stagedLength;
        var at = start + WriteBinary(_staged.AsSpan(start), stateKey);
        at += WriteBinary(_staged.AsSpan(at), value);
        _stagedLength = at;
        return (start, length);
    }

    /// <summary>The stored value of <paramref name="row"/>, one of this entry's rows, from the entry's bytes.</summary>
    public ReadOnlySpan<byte> ValueOf(StoredJoinRow row)
    {
        var bytes = Written ? _bytes ?? throw new InvalidOperationException("the join state cache does not mirror the state; read the store") : _staged;
        return bytes.AsSpan(row.EntryOffset, row.ValueLength);
    }

    /// <summary>Whether the written entry's bytes are held (its side mirrored when it was written, and still does).</summary>
    public bool HoldsBytes => _bytes is not null;

    /// <summary>Lets go of the written entry's bytes (the cache stopped mirroring its side).</summary>
    public void DropBytes() => _bytes = null;

    /// <summary>
    /// Adds to <paramref name="into"/> the batch's rows not written yet whose join key is <paramref name="joinKey"/>
    /// (state key, value, each copied); the rows scanned.
    /// </summary>
    public int CopyPending(byte[] joinKey, List<(byte[] StateKey, byte[] Value)> into) =>
        Scan(_staged.AsSpan(0, _stagedLength), StreamJoinOperator.Prefix(side, joinKey), evictedThrough: null, into);

    /// <summary>
    /// Stores the batch's rows not evicted already; whether any was written. <paramref name="keepBytes"/>: the cache
    /// mirrors the side, so the entry's bytes stay held and its rows read their values from them.
    /// <paramref name="evictedThroughMs"/>: the threshold this batch evicted the side by (null: none), which took the
    /// rows added by <see cref="AddUnheld"/> at or below it.
    /// </summary>
    public bool Write(IStateStore store, bool keepBytes, long? evictedThroughMs = null)
    {
        // Sized first and written once: an entry holds a whole batch's rows of the side (megabytes for Nexmark q7).
        var length = 0;
        foreach (var (row, _, rowLength, evictionMs) in _pending)
        {
            // Read from the entry below, or from nowhere: the staged bytes go back to the pool.
            row?.EntryOffset = -1;
            if (!Evicted(row, evictionMs, evictedThroughMs))
            {
                length += rowLength;
                Live++;
            }
        }
        if (Live > 0)
        {
            var encoded = new byte[length];
            var at = 0;
            foreach (var (row, start, rowLength, evictionMs) in _pending)
            {
                if (!Evicted(row, evictionMs, evictedThroughMs))
                {
                    _staged.AsSpan(start, rowLength).CopyTo(encoded.AsSpan(at));
                    at += rowLength;
                    if (keepBytes && row is not null)
                    {
                        row.EntryOffset = at - row.ValueLength;
                    }
                }
            }
            Length = length;
            Written = true;
            _bytes = keepBytes ? encoded : null;
            store.Change(Key, encoded, committedValueLength: -1);
        }
        _pending.Clear();
        // No row points into the staged bytes any more.
        Return(_staged);
        _staged = [];
        _stagedLength = 0;
        return Written;
    }

    private static bool Evicted(StoredJoinRow? row, long evictionMs, long? evictedThroughMs) =>
        row?.Evicted ?? evictionMs <= evictedThroughMs;

    private static void Return(byte[] staged)
    {
        if (staged.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(staged);
        }
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
