using System.Buffers.Binary;
using K4os.Compression.LZ4;
using Sluice.Checkpointing;

namespace Sluice.State;

/// <summary>
/// A state file read back and checked end to end (magic, format, kind, version, checksum, every record's bounds, record
/// count) before any record is applied, so a damaged file never half-restores a store. Formats 1 (plain records) and 2
/// (LZ4-compressed records, decompressed here once) read, and 3 and 4, the same with patch records (a changelog's
/// values that keep bytes of the previous version's: <see cref="Record.PatchOf"/>) and prefix removes (a closed
/// window's keys). See <see cref="StateFileWriter"/>.
/// </summary>
internal sealed class StateFile
{
    private readonly byte[] _bytes;
    private readonly ArraySegment<byte> _records;
    // Formats 3 and 4: prefix removes may appear (in formats 1 and 2, op 4 is damage).
    private bool _removesPrefixes;

    private StateFile(string name, byte[] bytes, ArraySegment<byte> records, StateFileKind kind, long version, long recordCount, long numRowsTotal, long stateBytesTotal)
    {
        Name = name;
        StateBytesTotal = stateBytesTotal;
        _bytes = bytes;
        _records = records;
        Kind = kind;
        Version = version;
        RecordCount = recordCount;
        NumRowsTotal = numRowsTotal;
    }

    /// <summary>The file, as errors name it.</summary>
    public string Name { get; }

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
        if (format is < StateFileWriter.FormatVersion or > StateFileWriter.CompressedExtendedFormatVersion)
        {
            throw new CheckpointCorruptException(file,
                $"its state file format is {format}, and this Sluice reads formats {StateFileWriter.FormatVersion} to " +
                $"{StateFileWriter.CompressedExtendedFormatVersion}; run the Sluice version that wrote it");
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
        var compressed = format is StateFileWriter.CompressedFormatVersion or StateFileWriter.CompressedExtendedFormatVersion;
        var records = compressed ? Decompress(body, file) : body;
        var result = new StateFile(file, bytes, records, kind, version, recordCount, numRowsTotal, stateBytesTotal)
        {
            _removesPrefixes = format >= StateFileWriter.ExtendedFormatVersion,
        };
        result.CheckRecords(file, patches: format >= StateFileWriter.ExtendedFormatVersion);
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
            if (!left[i].Key.AsSpan().SequenceEqual(right[i].Key) || !SameRecord(left[i], right[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Two records of one key hold the same value: the same op and bytes, or a put and a patch (an attempt with the
    /// session's stored bytes known wrote a patch, one with its cache rebuilt a put) whose value has the patch's length,
    /// head and tail. The patch's kept bytes are the previous version's, which both attempts started from.
    /// </summary>
    private static bool SameRecord((byte[] Key, byte[] Value, byte Op) first, (byte[] Key, byte[] Value, byte Op) second)
    {
        if (first.Op == second.Op)
        {
            return first.Value.AsSpan().SequenceEqual(second.Value);
        }
        var (patch, put) = first.Op == StateFileWriter.PatchOp ? (first.Value, second) : (second.Value, first);
        if (put.Op != StateFileWriter.PutOp || (first.Op != StateFileWriter.PatchOp && second.Op != StateFileWriter.PatchOp))
        {
            return false;
        }
        var value = put.Value;
        var valueLength = BinaryPrimitives.ReadUInt32LittleEndian(patch);
        var keptLength = BinaryPrimitives.ReadUInt32LittleEndian(patch.AsSpan(8));
        var headLength = BinaryPrimitives.ReadUInt32LittleEndian(patch.AsSpan(12));
        var tail = patch.AsSpan(16 + (int)headLength);
        return valueLength == value.Length && (long)headLength + keptLength + tail.Length == value.Length
            && value.AsSpan(0, (int)headLength).SequenceEqual(patch.AsSpan(16, (int)headLength))
            && value.AsSpan(value.Length - tail.Length).SequenceEqual(tail);
    }

    /// <summary>The records by key; a patch's value is its whole record after the key (kept range, head and tail).</summary>
    private List<(byte[] Key, byte[] Value, byte Op)> SortedRecords()
    {
        var records = new List<(byte[] Key, byte[] Value, byte Op)>();
        foreach (var record in this)
        {
            records.Add((record.Key.ToArray(), record.IsPatch ? record.PatchFields.ToArray() : record.Value.ToArray(), record.Op));
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

    private void CheckPrefixRemove(string file, long count, ReadOnlySpan<byte> prefix, bool afterOtherRecords)
    {
        if (!_removesPrefixes)
        {
            throw new CheckpointCorruptException(file,
                $"record {count} removes a key prefix, which its format ({StateFileWriter.FormatVersion} or {StateFileWriter.CompressedFormatVersion}) cannot hold");
        }
        if (afterOtherRecords)
        {
            throw new CheckpointCorruptException(file, $"record {count} removes a key prefix after a put, patch or remove, where prefix removes come first");
        }
        if (StateKeys.PrefixUpperBound(prefix) is null)
        {
            throw new CheckpointCorruptException(file,
                $"record {count} removes the key prefix {(prefix.IsEmpty ? "of no bytes" : Convert.ToHexString(prefix))}, which would remove every key from it on");
        }
    }

    private static bool UnderAny(ReadOnlySpan<byte> key, List<byte[]> prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (key.StartsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }

    private void CheckRecords(string file, bool patches)
    {
        var records = new RecordEnumerator(_records);
        long count = 0;
        string? problem;
        var puts = false;
        List<byte[]>? removedPrefixes = null;
        while (records.TryMoveNext(out problem))
        {
            if (Kind == StateFileKind.Snapshot && !records.Current.IsPut)
            {
                throw new CheckpointCorruptException(file, $"record {count} is a {(records.Current.IsRemove ? "remove" : records.Current.IsPatch ? "patch" : "prefix remove")}, which a snapshot cannot hold");
            }
            if (records.Current.IsPatch && !patches)
            {
                throw new CheckpointCorruptException(file, $"record {count} is a patch, which its format ({StateFileWriter.FormatVersion} or {StateFileWriter.CompressedFormatVersion}) cannot hold");
            }
            if (records.Current.IsPrefixRemove)
            {
                CheckPrefixRemove(file, count, records.Current.Key, puts);
                (removedPrefixes ??= []).Add(records.Current.Key.ToArray());
            }
            else if (records.Current.IsPatch && removedPrefixes is not null && UnderAny(records.Current.Key, removedPrefixes))
            {
                throw new CheckpointCorruptException(file,
                    $"record {count} patches key {Convert.ToHexString(records.Current.Key)}, whose previous value a prefix remove before it in the same file deleted");
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

    /// <summary>
    /// One record: a put (key, value), a remove (key), a patch (key, and the new value as head and tail around bytes
    /// kept from the key's previous value: <see cref="PatchOf"/>; its <see cref="Value"/> is head then tail) or a prefix
    /// remove (every key starting with <see cref="Key"/>).
    /// </summary>
    public readonly ref struct Record(byte op, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> patchFields = default)
    {
        public byte Op { get; } = op;

        public ReadOnlySpan<byte> Key { get; } = key;

        public ReadOnlySpan<byte> Value { get; } = value;

        /// <summary>A patch's fields after its key: value length, kept offset, kept length, head length, head, tail.</summary>
        public ReadOnlySpan<byte> PatchFields { get; } = patchFields;

        public bool IsRemove => Op == StateFileWriter.RemoveOp;

        public bool IsPut => Op == StateFileWriter.PutOp;

        public bool IsPatch => Op == StateFileWriter.PatchOp;

        public bool IsPrefixRemove => Op == StateFileWriter.RemovePrefixOp;

        /// <summary>
        /// A patch's new value over <paramref name="previous"/>, the key's value in the version before (null: none). A
        /// previous value that cannot hold the kept bytes is named in the <see cref="CheckpointCorruptException"/>.
        /// </summary>
        public byte[] PatchOf(ReadOnlySpan<byte> previous, bool hasPrevious, string file)
        {
            var valueLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(PatchFields);
            var keptOffset = BinaryPrimitives.ReadUInt32LittleEndian(PatchFields[4..]);
            var keptLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(PatchFields[8..]);
            var headLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(PatchFields[12..]);
            if (!hasPrevious || (long)keptOffset + keptLength > previous.Length)
            {
                throw new CheckpointCorruptException(file,
                    $"a patch of key {Convert.ToHexString(Key)} keeps bytes {keptOffset} to {(long)keptOffset + keptLength} of the key's previous value, " +
                    $"which {(hasPrevious ? $"is {previous.Length} bytes long" : "the version before does not hold")} (a changelog is missing or damaged)");
            }
            var value = GC.AllocateUninitializedArray<byte>(valueLength);
            Value[..headLength].CopyTo(value);
            previous.Slice((int)keptOffset, keptLength).CopyTo(value.AsSpan(headLength));
            Value[headLength..].CopyTo(value.AsSpan(headLength + keptLength));
            return value;
        }
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
            if (op is not (StateFileWriter.PutOp or StateFileWriter.RemoveOp or StateFileWriter.PatchOp or StateFileWriter.RemovePrefixOp))
            {
                problem = $"has an unknown operation code {op}";
                return false;
            }
            if (!TryTake(1, out var key))
            {
                problem = "has a key running past the end of the records";
                return false;
            }
            if (op == StateFileWriter.PatchOp)
            {
                return TryTakePatch(key, out problem);
            }
            var value = ReadOnlySpan<byte>.Empty;
            if (op == StateFileWriter.PutOp && !TryTake(0, out value))
            {
                problem = "has a value running past the end of the records";
                return false;
            }
            Current = new Record(op, key, value);
            return true;
        }

        /// <summary>A patch's fields after its key: lengths that agree with each other and with the bytes left.</summary>
        private bool TryTakePatch(ReadOnlySpan<byte> key, out string? problem)
        {
            problem = null;
            if (_rest.Length < 16)
            {
                problem = "has a patch running past the end of the records";
                return false;
            }
            var valueLength = BinaryPrimitives.ReadUInt32LittleEndian(_rest);
            var keptLength = BinaryPrimitives.ReadUInt32LittleEndian(_rest[8..]);
            var headLength = BinaryPrimitives.ReadUInt32LittleEndian(_rest[12..]);
            if (valueLength > Array.MaxLength || (long)keptLength + headLength > valueLength)
            {
                problem = $"is a patch whose head ({headLength} bytes) and kept bytes ({keptLength}) exceed its value's {valueLength}";
                return false;
            }
            var written = valueLength - keptLength;
            if (written > (uint)(_rest.Length - 16))
            {
                problem = "has a patch running past the end of the records";
                return false;
            }
            var fields = _rest[..(16 + (int)written)];
            Current = new Record(StateFileWriter.PatchOp, key, fields[16..], fields);
            _rest = _rest[fields.Length..];
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
