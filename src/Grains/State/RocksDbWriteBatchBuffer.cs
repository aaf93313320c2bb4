using System.Buffers;
using System.Buffers.Binary;
using RocksDbSharp;

namespace Sluice.State;

/// <summary>
/// Builds RocksDB write batches in managed memory, in the batch's own serialized layout (RocksDB's
/// <c>WriteBatch::rep_</c>, which <c>rocksdb_writebatch_create_from</c> takes as is):
/// <code>
/// sequence u64 (0: the write assigns it) | count u32 | record*
/// record   put: 0x01 | varint32 keyLength | key | varint32 valueLength | value;  delete: 0x00 | varint32 keyLength | key;
///          range delete: 0x0F | varint32 beginLength | begin | varint32 endLength | end (begin inclusive, end exclusive)
/// </code>
/// and hands each batch to RocksDB in one native call. RocksDbSharp's <c>WriteBatch.Put</c> is a native call per key,
/// through a delegate, pinning two arrays: a W1 commit of 50k keys paid that 50k times. A batch is written once it
/// reaches <paramref name="flushBytes"/> (the store keeps its write batches well under the shared memtable budget);
/// <paramref name="expectedBytes"/> (the records' size, or a bound on it) keeps a small version from taking a large buffer.
/// </summary>
internal sealed class RocksDbWriteBatchBuffer(RocksDb db, WriteOptions options, long flushBytes, long expectedBytes, DatabaseKeyFilter keys) : IDisposable
{
    private const int HeaderLength = 12;
    private const byte TypeDeletion = 0x0;
    private const byte TypeValue = 0x1;
    private const byte TypeRangeDeletion = 0xF;
    // A record's fixed part at most: the type and two varint32 lengths.
    private const int RecordOverhead = 1 + 5 + 5;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Min(flushBytes, expectedBytes) + 4096, Array.MaxLength));
    private int _length = HeaderLength;
    private int _count;

    /// <summary>Records added since the buffer was created.</summary>
    public long Records { get; private set; }

    /// <summary>Adds a put; its key goes into the database's key filter first (before any part of the batch is handed over).</summary>
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        keys.Add(key);
        var span = Reserve(RecordOverhead + key.Length + value.Length);
        span[0] = TypeValue;
        var at = 1 + WriteVarint(span[1..], (uint)key.Length);
        key.CopyTo(span[at..]);
        at += key.Length;
        at += WriteVarint(span[at..], (uint)value.Length);
        value.CopyTo(span[at..]);
        Added(at + value.Length);
    }

    public void Delete(ReadOnlySpan<byte> key)
    {
        var span = Reserve(RecordOverhead + key.Length);
        span[0] = TypeDeletion;
        var at = 1 + WriteVarint(span[1..], (uint)key.Length);
        key.CopyTo(span[at..]);
        Added(at + key.Length);
    }

    /// <summary>Removes every key starting with <paramref name="prefix"/> (one range tombstone, not one per key).</summary>
    public void DeletePrefix(ReadOnlySpan<byte> prefix)
    {
        var end = StateKeys.PrefixUpperBound(prefix)
            ?? throw new ArgumentException("A prefix of only 0xFF bytes has no upper bound to delete a range to.", nameof(prefix));
        var span = Reserve(RecordOverhead + prefix.Length + end.Length);
        span[0] = TypeRangeDeletion;
        var at = 1 + WriteVarint(span[1..], (uint)prefix.Length);
        prefix.CopyTo(span[at..]);
        at += prefix.Length;
        at += WriteVarint(span[at..], (uint)end.Length);
        end.CopyTo(span[at..]);
        Added(at + end.Length);
    }

    /// <summary>Writes the records not written yet.</summary>
    public void Flush()
    {
        if (_count == 0)
        {
            return;
        }
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(8), (uint)_count);
        // RocksDB copies the bytes into its own batch: the buffer is free again when the constructor returns.
        using (var batch = new WriteBatch(_buffer, _length))
        {
            db.Write(batch, options);
        }
        _length = HeaderLength;
        _count = 0;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Added(int recordLength)
    {
        _length += recordLength;
        _count++;
        Records++;
        if (_length >= flushBytes)
        {
            Flush();
        }
    }

    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _length < size)
        {
            Flush();
            if (_buffer.Length - HeaderLength < size)
            {
                // One record larger than a batch: a buffer that holds it.
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
                _buffer = ArrayPool<byte>.Shared.Rent(HeaderLength + size);
            }
        }
        return _buffer.AsSpan(_length, size);
    }

    private static int WriteVarint(Span<byte> span, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[i++] = (byte)value;
        return i;
    }
}
