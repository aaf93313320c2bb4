using System.Buffers.Binary;
using K4os.Compression.LZ4;
using Sluice.Checkpointing;

namespace Sluice.State;

/// <summary>
/// A state file read back and checked end to end (magic, format, kind, version, checksum, every record's bounds, record
/// count) before any record is applied, so a damaged file never half-restores a store. Formats 1 (plain records) and 2
/// (LZ4-compressed records, decompressed here once) both read. See <see cref="StateFileWriter"/>.
/// </summary>
internal sealed class StateFile
{
    private readonly byte[] _bytes;
    private readonly ArraySegment<byte> _records;
    // Formats 3 and 4: prefix removes may appear (before them, op 3 is damage).
    private bool _removesPrefixes;

    private StateFile(byte[] bytes, ArraySegment<byte> records, StateFileKind kind, long version, long recordCount, long numRowsTotal, long stateBytesTotal)
    {
        StateBytesTotal = stateBytesTotal;
        _bytes = bytes;
        _records = records;
        Kind = kind;
        Version = version;
        RecordCount = recordCount;
        NumRowsTotal = numRowsTotal;
    }

    public StateFileKind Kind { get; }

    public long Version { get; }

    public long RecordCount { get; }

    /// <summary>Rows in the store after this version.</summary>
    public long NumRowsTotal { get; }

    /// <summary>Key and value bytes in the store after this version.</summary>
    public long StateBytesTotal { get; }

    /// <summary>The file's size.</summary>
    public int Length => _bytes.Length;

    /// <summary>The records' size, decompressed.</summary>
    public int RecordsLength => _records.Count;

    public RecordEnumerator GetEnumerator() => new(_records);

    /// <summary>Checks <paramref name="bytes"/>; <paramref name="file"/> names it in the <see cref="CheckpointCorruptException"/>.</summary>
    public static StateFile Parse(byte[] bytes, string file, StateFileKind expectedKind, long expectedVersion)
    {
        var span = bytes.AsSpan();
        if (span.Length < StateFileWriter.HeaderLength + StateFileWriter.TrailerLength)
        {
            throw new CheckpointCorruptException(file, $"it is {span.Length} bytes, shorter than a state file's header and trailer (truncated)");
        }
        if (!span.StartsWith(StateFileWriter.HeaderMagic))
        {
            throw new CheckpointCorruptException(file, "it does not start with a Sluice state file header");
        }
        var format = BinaryPrimitives.ReadUInt16LittleEndian(span[4..]);
        if (format is < StateFileWriter.FormatVersion or > StateFileWriter.CompressedPrefixFormatVersion)
        {
            throw new CheckpointCorruptException(file,
                $"its state file format is {format}, and this Sluice reads formats {StateFileWriter.FormatVersion} to " +
                $"{StateFileWriter.CompressedPrefixFormatVersion}; run the Sluice version that wrote it");
        }
        if (!span.EndsWith(StateFileWriter.TrailerMagic))
        {
            throw new CheckpointCorruptException(file, "it does not end with a state file trailer (truncated)");
        }
        var trailer = span[^StateFileWriter.TrailerLength..];
        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer[24..]);
        var actualCrc = Crc32C.Compute(span[..^8]);
        if (storedCrc != actualCrc)
        {
            throw new CheckpointCorruptException(file, $"its checksum is 0x{actualCrc:X8}, but the trailer says 0x{storedCrc:X8} (damaged)");
        }
        var kind = (StateFileKind)span[6];
        var version = BinaryPrimitives.ReadInt64LittleEndian(span[8..]);
        if (kind != expectedKind || version != expectedVersion)
        {
            throw new CheckpointCorruptException(file,
                $"its header says {kind} of version {version}, but its name says {expectedKind} of version {expectedVersion}");
        }
        var recordCount = BinaryPrimitives.ReadInt64LittleEndian(trailer);
        var numRowsTotal = BinaryPrimitives.ReadInt64LittleEndian(trailer[8..]);
        var stateBytesTotal = BinaryPrimitives.ReadInt64LittleEndian(trailer[16..]);
        var body = new ArraySegment<byte>(bytes, StateFileWriter.HeaderLength, bytes.Length - StateFileWriter.HeaderLength - StateFileWriter.TrailerLength);
        var records = format is StateFileWriter.CompressedFormatVersion or StateFileWriter.CompressedPrefixFormatVersion ? Decompress(body, file) : body;
        var result = new StateFile(bytes, records, kind, version, recordCount, numRowsTotal, stateBytesTotal)
        {
            _removesPrefixes = format >= StateFileWriter.PrefixFormatVersion,
        };
        result.CheckRecords(file);
        return result;
    }

    /// <summary>
    /// Whether two files hold the same version of a store: the same kind, version and totals, and the same records in
    /// any order and either format (records are distinct keys, so their order changes nothing; a replay by a Sluice that
    /// writes format 2 where the first attempt wrote format 1 writes other bytes). A file that does not parse holds nothing the same.
    /// </summary>
    public static bool SameContent(byte[] first, byte[] second, string file)
    {
        StateFile a, b;
        try
        {
            a = Parse(first, file, (StateFileKind)first[6], BinaryPrimitives.ReadInt64LittleEndian(first.AsSpan(8)));
            b = Parse(second, file, a.Kind, a.Version);
        }
        catch (Exception e) when (e is CheckpointCorruptException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return false;
        }
        if (a.RecordCount != b.RecordCount || a.NumRowsTotal != b.NumRowsTotal || a.StateBytesTotal != b.StateBytesTotal)
        {
            return false;
        }
        var left = a.SortedRecords();
        var right = b.SortedRecords();
        for (var i = 0; i < left.Count; i++)
        {
            if (left[i].Op != right[i].Op || !left[i].Key.AsSpan().SequenceEqual(right[i].Key) || !left[i].Value.AsSpan().SequenceEqual(right[i].Value))
            {
                return false;
            }
        }
        return true;
    }

    private List<(byte[] Key, byte[] Value, byte Op)> SortedRecords()
    {
        var records = new List<(byte[] Key, byte[] Value, byte Op)>();
        foreach (var record in this)
        {
            records.Add((record.Key.ToArray(), record.Value.ToArray(), record.Op));
        }
        // A prefix remove and a key's record may share bytes: the operation orders them.
        records.Sort(static (x, y) => x.Key.AsSpan().SequenceCompareTo(y.Key) is var order and not 0 ? order : x.Op.CompareTo(y.Op));
        return records;
    }

    /// <summary>Format 2's body: the records' length, then their LZ4 block.</summary>
    private static ArraySegment<byte> Decompress(ArraySegment<byte> body, string file)
    {
        if (body.Count < 4)
        {
            throw new CheckpointCorruptException(file, "its compressed records have no length");
        }
        var length = BinaryPrimitives.ReadUInt32LittleEndian(body);
        // LZ4 expands at most 255 times; a larger length is damage, not a record count to allocate for.
        if (length > Math.Min((long)Array.MaxLength, 255L * body.Count))
        {
            throw new CheckpointCorruptException(file, $"its compressed records claim {length} bytes, more than {body.Count - 4} compressed bytes can hold");
        }
        var records = GC.AllocateUninitializedArray<byte>((int)length);
        var decoded = LZ4Codec.Decode(body.AsSpan(4), records);
        if (decoded != length)
        {
            throw new CheckpointCorruptException(file, $"its compressed records decode to {(decoded < 0 ? "nothing" : $"{decoded} bytes")}, not the {length} its header says");
        }
        return records;
    }

    private void CheckRecords(string file)
    {
        var records = new RecordEnumerator(_records);
        long count = 0;
        string? problem;
        var puts = false;
        while (records.TryMoveNext(out problem))
        {
            if (Kind == StateFileKind.Snapshot && records.Current.Op != StateFileWriter.PutOp)
            {
                throw new CheckpointCorruptException(file, $"record {count} is a remove, which a snapshot cannot hold");
            }
            if (records.Current.IsPrefixRemove && (!_removesPrefixes || puts))
            {
                throw new CheckpointCorruptException(file, !_removesPrefixes
                    ? $"record {count} removes a key prefix, which its format cannot hold"
                    : $"record {count} removes a key prefix after a put or remove, where prefix removes come first");
            }
            puts |= !records.Current.IsPrefixRemove;
            count++;
        }
        if (problem is not null)
        {
            throw new CheckpointCorruptException(file, $"record {count} {problem}");
        }
        if (count != RecordCount)
        {
            throw new CheckpointCorruptException(file, $"it holds {count} records, but its trailer says {RecordCount}");
        }
    }

    /// <summary>One record: a put (key, value), a remove (key) or a prefix remove (every key starting with <see cref="Key"/>).</summary>
    public readonly ref struct Record(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, byte op)
    {
        public ReadOnlySpan<byte> Key { get; } = key;

        public ReadOnlySpan<byte> Value { get; } = value;

        /// <summary><see cref="StateFileWriter.PutOp"/>, <see cref="StateFileWriter.RemoveOp"/> or <see cref="StateFileWriter.RemovePrefixOp"/>.</summary>
        public byte Op { get; } = op;

        public bool IsRemove => Op == StateFileWriter.RemoveOp;

        public bool IsPrefixRemove => Op == StateFileWriter.RemovePrefixOp;
    }

    /// <summary>Walks the records of a checked file (foreach), or checks their bounds (<see cref="TryMoveNext"/>).</summary>
    public ref struct RecordEnumerator(ReadOnlySpan<byte> records)
    {
        private ReadOnlySpan<byte> _rest = records;

        public Record Current { get; private set; }

        public bool MoveNext() => TryMoveNext(out _);

        public bool TryMoveNext(out string? problem)
        {
            problem = null;
            if (_rest.IsEmpty)
            {
                return false;
            }
            var op = _rest[0];
            if (op is not (StateFileWriter.PutOp or StateFileWriter.RemoveOp or StateFileWriter.RemovePrefixOp))
            {
                problem = $"has an unknown operation code {op}";
                return false;
            }
            if (!TryTake(1, out var key))
            {
                problem = "has a key running past the end of the records";
                return false;
            }
            var value = ReadOnlySpan<byte>.Empty;
            if (op == StateFileWriter.PutOp && !TryTake(0, out value))
            {
                problem = "has a value running past the end of the records";
                return false;
            }
            Current = new Record(key, value, op);
            return true;
        }

        private bool TryTake(int skip, out ReadOnlySpan<byte> field)
        {
            field = default;
            if (_rest.Length < skip + 4)
            {
                return false;
            }
            var length = BinaryPrimitives.ReadUInt32LittleEndian(_rest[skip..]);
            if (length > (uint)(_rest.Length - skip - 4))
            {
                return false;
            }
            field = _rest.Slice(skip + 4, (int)length);
            _rest = _rest[(skip + 4 + (int)length)..];
            return true;
        }
    }
}
