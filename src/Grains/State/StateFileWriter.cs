using System.Buffers;
using System.Buffers.Binary;
using K4os.Compression.LZ4;

namespace Sluice.State;

/// <summary>What a state file holds.</summary>
internal enum StateFileKind : byte
{
    /// <summary><c>N.delta</c>: the puts and removes of version N.</summary>
    Delta = 1,

    /// <summary><c>N.snapshot</c>: every entry of version N, as puts.</summary>
    Snapshot = 2,
}

/// <summary>
/// Writes a state file (changelog or snapshot). All integers little-endian:
/// <code>
/// header   "SLST" | format u16 (1 to 4) | kind u8 (1 delta, 2 snapshot) | 0 u8 | version i64
/// body     formats 1 and 3: record*;  formats 2 and 4: recordsLength u32 | the records as one LZ4 block
/// record   op u8 (1 put, 2 remove, 3 patch, 4 remove prefix) | keyLength u32 | key | (put) valueLength u32 | value
///          | (patch) valueLength u32 | keptOffset u32 | keptLength u32 | headLength u32 | head | tail
/// trailer  recordCount i64 | numRowsTotal i64 | stateBytesTotal i64 | crc32c u32 of every byte before it | "SLND"
/// </code>
/// Records of at least <see cref="MinCompressedRecordsLength"/> bytes are compressed (format 2) when that saves an
/// eighth or more: a W1 changelog (keys sharing their window, operator and column prefixes, small counts) shrinks
/// about 5x, for about a millisecond of LZ4 per 500 KB. Smaller or incompressible records stay format 1, byte for byte
/// as before; readers take both, so checkpoints written before format 2 restore unchanged.
/// Formats 3 and 4 are 1 and 2 that may also hold patches and prefix removes; a file holds format 3 or 4 only when it
/// has one, so files without are byte for byte those of formats 1 and 2, and a Sluice that reads only those rejects the
/// others by their format number ("run the Sluice version that wrote it").
/// A patch (only in a changelog) is a put whose value keeps bytes of the key's previous value: the new value is head,
/// then the previous value's <c>keptLength</c> bytes from <c>keptOffset</c>, then tail (its
/// <c>valueLength - headLength - keptLength</c> bytes), so a session that grows writes what it adds, not all it holds
/// (<see cref="KeptBytes"/>).
/// A prefix remove (a closed window's groups, <see cref="IStateStore.TakePrefix"/>) removes every key that starts with
/// its key; a delta's prefix records come first, and the put, patch and remove records after them apply on top.
/// The trailer makes truncation and bit rot detectable, and carries the store's row count and key+value bytes after
/// the version so a restore need not count. Example, a delta of version 7 putting "a"=0x01 and removing "b" (the store
/// then holds 3 rows of 40 bytes):
/// <code>534C5354 0100 01 00 0700000000000000 | 01 01000000 61 01000000 01 | 02 01000000 62 | 0200000000000000 0300000000000000 2800000000000000 crc 534C4E44</code>
/// </summary>
internal sealed class StateFileWriter
{
    public const int FormatVersion = 1;
    public const int CompressedFormatVersion = 2;

    /// <summary>Format 1 that may hold patches (<see cref="PatchOp"/>) and prefix removes (<see cref="RemovePrefixOp"/>).</summary>
    public const int ExtendedFormatVersion = 3;

    /// <summary>Format 2 that may hold patches and prefix removes.</summary>
    public const int CompressedExtendedFormatVersion = 4;

    /// <summary>Records shorter than this are not worth a compression attempt.</summary>
    public const int MinCompressedRecordsLength = 4096;
    public const int HeaderLength = 16;
    public const int TrailerLength = 32;
    public const byte PutOp = 1;
    public const byte RemoveOp = 2;
    public const byte PatchOp = 3;
    public const byte RemovePrefixOp = 4;

    /// <summary>A patch must keep more bytes than its record adds over a put's (16), or it is written as a put.</summary>
    public const int MinKeptLength = 32;
    public static ReadOnlySpan<byte> HeaderMagic => "SLST"u8;
    public static ReadOnlySpan<byte> TrailerMagic => "SLND"u8;

    private readonly bool _pooled;
    private readonly bool _keepRecords;
    private byte[] _buffer;
    // The buffer the records were written to, kept past compression when asked (keepRecords).
    private byte[]? _uncompressed;
    private int _recordsLength = -1;
    private int _length;
    private long _records;
    private bool _patched;
    private bool _removesPrefixes;

    /// <param name="capacity">The file's size, or a bound on it, when known (see <see cref="Length"/>): then the buffer is taken once.</param>
    /// <param name="pooled">Rent the buffer from the shared pool (a changelog every commit would otherwise be a fresh
    /// large-object allocation); the caller hands it back with <see cref="Release"/> once the file is written.</param>
    /// <param name="keepRecords">Keep the records uncompressed after <see cref="Finish"/> (<see cref="Records"/>), for a
    /// caller that reads them back: a commit applies its changelog's records to RocksDB.</param>
    public StateFileWriter(StateFileKind kind, long version, long capacity = 4096, bool pooled = false, bool keepRecords = false)
    {
        _pooled = pooled;
        _keepRecords = keepRecords;
        _buffer = Allocate((int)Math.Clamp(capacity, HeaderLength + TrailerLength, Array.MaxLength));
        var header = GetSpan(HeaderLength);
        HeaderMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], FormatVersion);
        header[6] = (byte)kind;
        header[7] = 0;
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], version);
        _length = HeaderLength;
    }

    /// <summary>The size of a file of <paramref name="records"/> puts holding <paramref name="payloadBytes"/> of keys and values.</summary>
    public static long Length(long records, long payloadBytes) => HeaderLength + TrailerLength + (records * 9) + payloadBytes;

    /// <summary>Bytes a put record takes.</summary>
    public static int PutLength(int keyLength, int valueLength) => 9 + keyLength + valueLength;

    /// <summary>Bytes a remove record takes.</summary>
    public static int RemoveLength(int keyLength) => 5 + keyLength;

    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var span = GetSpan(PutLength(key.Length, value.Length));
        span[0] = PutOp;
        BinaryPrimitives.WriteUInt32LittleEndian(span[1..], (uint)key.Length);
        key.CopyTo(span[5..]);
        var at = 5 + key.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)value.Length);
        value.CopyTo(span[(at + 4)..]);
        _length += PutLength(key.Length, value.Length);
        _records++;
    }

    /// <summary>
    /// Writes <paramref name="value"/> as a patch of the key's previous value, which holds <paramref name="kept"/>'s
    /// bytes (checked by the caller); only a changelog may hold one.
    /// </summary>
    public void Patch(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, KeptBytes kept)
    {
        var length = PatchLength(key.Length, value.Length, kept.Length);
        var span = GetSpan(length);
        span[0] = PatchOp;
        BinaryPrimitives.WriteUInt32LittleEndian(span[1..], (uint)key.Length);
        key.CopyTo(span[5..]);
        var at = 5 + key.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], (uint)value.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 4)..], (uint)kept.CommittedOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 8)..], (uint)kept.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[(at + 12)..], (uint)kept.ValueOffset);
        value[..kept.ValueOffset].CopyTo(span[(at + 16)..]);
        value[(kept.ValueOffset + kept.Length)..].CopyTo(span[(at + 16 + kept.ValueOffset)..]);
        _length += length;
        _records++;
        _patched = true;
    }

    /// <summary>Bytes a patch record takes.</summary>
    public static int PatchLength(int keyLength, int valueLength, int keptLength) => 21 + keyLength + valueLength - keptLength;

    public void Remove(ReadOnlySpan<byte> key)
    {
        var span = GetSpan(RemoveLength(key.Length));
        span[0] = RemoveOp;
        BinaryPrimitives.WriteUInt32LittleEndian(span[1..], (uint)key.Length);
        key.CopyTo(span[5..]);
        _length += RemoveLength(key.Length);
        _records++;
    }

    /// <summary>
    /// Removes every key that starts with <paramref name="prefix"/>: written before the version's puts and removes (a
    /// restore applies records in order, and those apply on top of it). Makes the file format 3 or 4.
    /// </summary>
    public void RemovePrefix(ReadOnlySpan<byte> prefix)
    {
        Remove(prefix);
        _buffer[_length - RemoveLength(prefix.Length)] = RemovePrefixOp;
        _removesPrefixes = true;
    }

    /// <summary>The file holds a patch or a prefix remove: format 3 (or 4, compressed).</summary>
    private bool Extended => _patched || _removesPrefixes;

    /// <summary>Compresses the records when that pays (format 2), appends the trailer; the writer must not be used afterwards.</summary>
    public ReadOnlyMemory<byte> Finish(long numRowsTotal, long stateBytesTotal)
    {
        _recordsLength = _length - HeaderLength;
        if (Extended)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(4), ExtendedFormatVersion);
        }
        if (_length - HeaderLength >= MinCompressedRecordsLength)
        {
            Compress();
        }
        var trailer = GetSpan(TrailerLength);
        BinaryPrimitives.WriteInt64LittleEndian(trailer, _records);
        BinaryPrimitives.WriteInt64LittleEndian(trailer[8..], numRowsTotal);
        BinaryPrimitives.WriteInt64LittleEndian(trailer[16..], stateBytesTotal);
        _length += 24;
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[24..], Crc32C.Compute(_buffer.AsSpan(0, _length)));
        TrailerMagic.CopyTo(trailer[28..]);
        _length += 8;
        return _buffer.AsMemory(0, _length);
    }

    /// <summary>Replaces the records by their LZ4 block (format 2) when it is at least an eighth smaller.</summary>
    private void Compress()
    {
        var records = _buffer.AsSpan(HeaderLength, _length - HeaderLength);
        // Only a block that saves an eighth is kept, so the target need hold no more (a snapshot's buffer is large):
        // a block that does not fit is one not worth keeping, and the encoder says so (0 or less).
        var room = records.Length - (records.Length / 8) - 4;
        var target = Allocate(HeaderLength + 4 + room + TrailerLength);
        var written = LZ4Codec.Encode(records, target.AsSpan(HeaderLength + 4, room), LZ4Level.L00_FAST);
        if (written <= 0 || written > room)
        {
            Free(target);
            return;
        }
        _buffer.AsSpan(0, HeaderLength).CopyTo(target);
        BinaryPrimitives.WriteUInt16LittleEndian(target.AsSpan(4), (ushort)(Extended ? CompressedExtendedFormatVersion : CompressedFormatVersion));
        BinaryPrimitives.WriteUInt32LittleEndian(target.AsSpan(HeaderLength), (uint)records.Length);
        if (_keepRecords)
        {
            _uncompressed = _buffer;
        }
        else
        {
            Release();
        }
        _buffer = target;
        _length = HeaderLength + 4 + written;
    }

    private Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _length < size)
        {
            var grown = Allocate((int)Math.Min(Array.MaxLength, Math.Max(_buffer.Length * 2L, (long)_length + size)));
            _buffer.AsSpan(0, _length).CopyTo(grown);
            Release();
            _buffer = grown;
        }
        return _buffer.AsSpan(_length, size);
    }

    /// <summary>
    /// Gives a pooled buffer back; the content <see cref="Finish"/> returned must not be used afterwards. Only call it
    /// once the content was written: a write that failed may still be reading it, so its buffer is left to the GC.
    /// </summary>
    public void Release()
    {
        if (_pooled && _buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
        if (_pooled && _uncompressed is not null)
        {
            ArrayPool<byte>.Shared.Return(_uncompressed);
        }
        _uncompressed = null;
    }

    /// <summary>
    /// The file's records as written, uncompressed (format 1's body), once <see cref="Finish"/> ran on a writer made with
    /// keepRecords; valid until <see cref="Release"/>.
    /// </summary>
    public ReadOnlyMemory<byte> Records
    {
        get
        {
            if (!_keepRecords || _recordsLength < 0)
            {
                throw new InvalidOperationException("Only a finished writer made with keepRecords keeps its records.");
            }
            return (_uncompressed ?? _buffer).AsMemory(HeaderLength, _recordsLength);
        }
    }

    private void Free(byte[] buffer)
    {
        if (_pooled)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private byte[] Allocate(int size) => _pooled ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
}

/// <summary>
/// Bytes a new value keeps from the key's committed value: its <see cref="Length"/> bytes at
/// <see cref="ValueOffset"/> are the committed value's at <see cref="CommittedOffset"/>, so the changelog may write the
/// value as a patch (<see cref="StateFileWriter.Patch"/>). Length 0: nothing kept (a put).
/// </summary>
internal readonly record struct KeptBytes(int CommittedOffset, int ValueOffset, int Length)
{
    /// <summary>Whether the bytes lie inside a committed value of <paramref name="committedLength"/> and the new value, and are worth a patch.</summary>
    public bool FitsIn(int committedLength, int valueLength) =>
        Length >= StateFileWriter.MinKeptLength && CommittedOffset >= 0 && ValueOffset >= 0 &&
        (long)CommittedOffset + Length <= committedLength && (long)ValueOffset + Length <= valueLength;
}
