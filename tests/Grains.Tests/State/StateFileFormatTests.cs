using System.Buffers.Binary;
using System.Text;
using Sluice.Checkpointing;
using Sluice.State;

namespace Sluice.Tests.State;

/// <summary>State file format 2 (LZ4-compressed records) next to format 1, and the replay check that takes records in any order.</summary>
public sealed class StateFileFormatTests
{
    private const string Name = "state/0/1/7.delta";

    [Fact]
    public void LargeCompressibleRecords_AreWrittenAsFormatTwo_AndReadBackWhole()
    {
        var writer = new StateFileWriter(StateFileKind.Delta, 7);
        var expected = new List<string>();
        var recordsLength = 0;
        for (var i = 0; i < 2000; i++)
        {
            // Keys sharing a window and column prefix, small values: what an aggregation's changelog holds.
            var key = $"window=1700000000000|user=u{i:D6}";
            if (i % 7 == 0)
            {
                writer.Remove(Bytes(key));
                expected.Add($"-{key}");
                recordsLength += StateFileWriter.RemoveLength(key.Length);
            }
            else
            {
                writer.Put(Bytes(key), Bytes($"count={i % 13}"));
                expected.Add($"{key}=count={i % 13}");
                recordsLength += StateFileWriter.PutLength(key.Length, $"count={i % 13}".Length);
            }
        }
        var bytes = writer.Finish(1234, 56789).ToArray();

        Assert.Equal(StateFileWriter.CompressedFormatVersion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.True(bytes.Length * 3 < recordsLength, $"{bytes.Length} bytes written for {recordsLength} bytes of records");
        var file = StateFile.Parse(bytes, Name, StateFileKind.Delta, 7);
        Assert.Equal(expected, Records(file));
        Assert.Equal((2000L, 1234L, 56789L), (file.RecordCount, file.NumRowsTotal, file.StateBytesTotal));
        Assert.Equal(recordsLength, file.RecordsLength);
    }

    /// <summary>A commit applies its changelog's records to RocksDB: the writer keeps them uncompressed past a format 2 file.</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(2000)]
    public void KeptRecords_AreTheFilesRecordsUncompressed_InEitherFormat(int count)
    {
        var writer = new StateFileWriter(StateFileKind.Delta, 7, pooled: true, keepRecords: true);
        for (var i = 0; i < count; i++)
        {
            var key = Bytes($"window=1700000000000|user=u{i:D6}");
            if (i % 5 == 0)
            {
                writer.Remove(key);
            }
            else
            {
                writer.Put(key, Bytes($"count={i % 13}"));
            }
        }
        var bytes = writer.Finish(count, 99).ToArray();
        var file = StateFile.Parse(bytes, Name, StateFileKind.Delta, 7);

        Assert.Equal(count > 100 ? StateFileWriter.CompressedFormatVersion : StateFileWriter.FormatVersion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        var kept = new List<string>();
        var records = new StateFile.RecordEnumerator(writer.Records.Span);
        while (records.MoveNext())
        {
            kept.Add(records.Current.IsRemove ? $"-{Encoding.UTF8.GetString(records.Current.Key)}"
                : $"{Encoding.UTF8.GetString(records.Current.Key)}={Encoding.UTF8.GetString(records.Current.Value)}");
        }
        Assert.Equal(Records(file), kept);
        Assert.Equal(file.RecordsLength, writer.Records.Length);
        writer.Release();
        Assert.Throws<InvalidOperationException>(() => new StateFileWriter(StateFileKind.Delta, 7).Records);
    }

    [Fact]
    public void SmallRecords_StayFormatOne_AsTheFormatsExampleShowsThem()
    {
        var writer = new StateFileWriter(StateFileKind.Delta, 7);
        writer.Put(Bytes("a"), [0x01]);
        writer.Remove(Bytes("b"));

        var bytes = writer.Finish(3, 40).ToArray();

        // StateFileWriter's example, checksum aside.
        Assert.Equal("534C5354" + "0100" + "01" + "00" + "0700000000000000" + "01" + "01000000" + "61" + "01000000" + "01" + "02" + "01000000" + "62" +
            "0200000000000000" + "0300000000000000" + "2800000000000000",
            Convert.ToHexString(bytes.AsSpan(0, bytes.Length - 8)));
        Assert.Equal(["a=\u0001", "-b"], Records(StateFile.Parse(bytes, Name, StateFileKind.Delta, 7)));
    }

    [Fact]
    public void IncompressibleRecords_StayFormatOne()
    {
        var random = new Random(42);
        var writer = new StateFileWriter(StateFileKind.Snapshot, 7);
        for (var i = 0; i < 64; i++)
        {
            var value = new byte[256];
            random.NextBytes(value);
            writer.Put(Bytes($"k{i:D2}"), value);
        }

        var bytes = writer.Finish(64, 64 * 259).ToArray();

        Assert.Equal(StateFileWriter.FormatVersion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(64, StateFile.Parse(bytes, Name, StateFileKind.Snapshot, 7).RecordCount);
    }

    [Theory]
    [InlineData(1, "decode")]
    [InlineData(-1, "decode")]
    [InlineData(int.MaxValue / 2, "claim")]
    public void FormatTwo_WhoseRecordsLengthIsWrong_IsRefusedAsCorrupt(int change, string problem)
    {
        var bytes = CompressibleFile();
        var at = StateFileWriter.HeaderLength;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) + change));
        // A checksum that matches: the length itself is what is wrong.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 8)));

        var error = Assert.Throws<CheckpointCorruptException>(() => StateFile.Parse(bytes, Name, StateFileKind.Delta, 7));

        Assert.Contains(problem, error.Message);
        Assert.Contains(Name, error.Message);
    }

    [Fact]
    public void SameContent_TakesTheSameRecordsInAnotherOrderOrFormat_AndNothingElse()
    {
        static byte[] Delta(IEnumerable<int> order, int rows = 3, string value = "v")
        {
            var writer = new StateFileWriter(StateFileKind.Delta, 7);
            foreach (var i in order)
            {
                if (i == 5)
                {
                    writer.Remove(Bytes("k5"));
                }
                else
                {
                    writer.Put(Bytes($"k{i}"), Bytes(i == 0 ? value : "v"));
                }
            }
            return writer.Finish(rows, 12).ToArray();
        }
        var sorted = Delta([0, 1, 5, 9]);

        Assert.True(StateFile.SameContent(sorted, Delta([9, 5, 0, 1]), Name));
        Assert.True(StateFile.SameContent(CompressibleFile(), Reordered(CompressibleFile()), Name));
        Assert.False(StateFile.SameContent(sorted, Delta([9, 5, 0, 1], value: "w"), Name));
        Assert.False(StateFile.SameContent(sorted, Delta([0, 1, 5]), Name));
        Assert.False(StateFile.SameContent(sorted, Delta([0, 1, 5, 9], rows: 4), Name));
        Assert.False(StateFile.SameContent(sorted, sorted[..^3], Name));
    }

    [Theory]
    [InlineData(1, StateFileWriter.ExtendedFormatVersion)]
    [InlineData(2000, StateFileWriter.CompressedExtendedFormatVersion)]
    public void APrefixRemove_MakesTheFileFormatThreeOrFour_AndReadsBackFirst(int puts, int format)
    {
        var writer = new StateFileWriter(StateFileKind.Delta, 7);
        writer.RemovePrefix(Bytes("window=1"));
        for (var i = 0; i < puts; i++)
        {
            writer.Put(Bytes($"window=2|user=u{i:D6}"), Bytes("count=1"));
        }
        var bytes = writer.Finish(puts, 100).ToArray();

        Assert.Equal(format, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        var file = StateFile.Parse(bytes, Name, StateFileKind.Delta, 7);
        Assert.Equal(1 + puts, file.RecordCount);
        Assert.Equal("*window=1", Records(file)[0]);
        Assert.True(StateFile.SameContent(bytes, bytes.ToArray(), Name));
    }

    [Fact]
    public void APrefixRemove_InAFileOfFormatOne_OrAfterAPut_IsRefusedAsCorrupt()
    {
        var writer = new StateFileWriter(StateFileKind.Delta, 7);
        writer.RemovePrefix(Bytes("w"));
        var formatOne = writer.Finish(0, 0).ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(formatOne.AsSpan(4), StateFileWriter.FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(formatOne.AsSpan(formatOne.Length - 8), Crc32C.Compute(formatOne.AsSpan(0, formatOne.Length - 8)));
        var late = new StateFileWriter(StateFileKind.Delta, 7);
        late.Put(Bytes("a"), Bytes("1"));
        late.RemovePrefix(Bytes("w"));

        Assert.Contains("which its format (1 or 2) cannot hold", Assert.Throws<CheckpointCorruptException>(() => StateFile.Parse(formatOne, Name, StateFileKind.Delta, 7)).Message);
        Assert.Contains("where prefix removes come first",
            Assert.Throws<CheckpointCorruptException>(() => StateFile.Parse(late.Finish(1, 2).ToArray(), Name, StateFileKind.Delta, 7)).Message);
    }

    [Fact]
    public void AFormatNewerThanThisSluice_IsRefusedNamingTheFormatsItReads()
    {
        var bytes = new StateFileWriter(StateFileKind.Delta, 7).Finish(0, 0).ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 5);

        var error = Assert.Throws<CheckpointCorruptException>(() => StateFile.Parse(bytes, Name, StateFileKind.Delta, 7));

        Assert.Contains("its state file format is 5, and this Sluice reads formats 1 to 4; run the Sluice version that wrote it", error.Message);
    }

    private static byte[] CompressibleFile() => CompressibleFile(Enumerable.Range(0, 1000));

    private static byte[] CompressibleFile(IEnumerable<int> order)
    {
        var writer = new StateFileWriter(StateFileKind.Delta, 7);
        foreach (var i in order)
        {
            writer.Put(Bytes($"window=1700000000000|user=u{i:D6}"), Bytes("count=1"));
        }
        var bytes = writer.Finish(1000, 1).ToArray();
        Assert.Equal(StateFileWriter.CompressedFormatVersion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        return bytes;
    }

    /// <summary>The same puts written in reverse order, so the bytes differ.</summary>
    private static byte[] Reordered(byte[] file)
    {
        var reversed = CompressibleFile(Enumerable.Range(0, 1000).Reverse());
        Assert.False(reversed.AsSpan().SequenceEqual(file));
        return reversed;
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static List<string> Records(StateFile file)
    {
        var records = new List<string>();
        foreach (var record in file)
        {
            records.Add(record.IsPrefixRemove ? $"*{Encoding.UTF8.GetString(record.Key)}"
                : record.IsRemove ? $"-{Encoding.UTF8.GetString(record.Key)}" : $"{Encoding.UTF8.GetString(record.Key)}={Encoding.UTF8.GetString(record.Value)}");
        }
        return records;
    }

    /// <summary>Patch records: only in formats 3 and 4, never in a snapshot; a format past 4 is refused naming the formats read and the fix.</summary>
    [Fact]
    public void Patches_OnlyInFormatsThreeAndFour_AndNeverInASnapshot()
    {
        var writer = new StateFileWriter(StateFileKind.Delta, 7);
        writer.Patch(Bytes("k"), new byte[50], new KeptBytes(0, 5, 40));
        var bytes = writer.Finish(1, 51).ToArray();
        Assert.Equal(StateFileWriter.ExtendedFormatVersion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(1, StateFile.Parse(bytes, Name, StateFileKind.Delta, 7).RecordCount);

        Assert.Contains("record 0 is a patch, which its format (1 or 2) cannot hold",
            Assert.Throws<CheckpointCorruptException>(() => StateFile.Parse(WithFormat(bytes, StateFileWriter.FormatVersion), Name, StateFileKind.Delta, 7)).Message);
        Assert.Contains("its state file format is 5, and this Sluice reads formats 1 to 4; run the Sluice version that wrote it",
            Assert.Throws<CheckpointCorruptException>(() => StateFile.Parse(WithFormat(bytes, 5), Name, StateFileKind.Delta, 7)).Message);

        var snapshot = new StateFileWriter(StateFileKind.Snapshot, 7);
        snapshot.Patch(Bytes("k"), new byte[50], new KeptBytes(0, 5, 40));
        Assert.Contains("record 0 is a patch, which a snapshot cannot hold",
            Assert.Throws<CheckpointCorruptException>(() => StateFile.Parse(snapshot.Finish(1, 51).ToArray(), Name, StateFileKind.Snapshot, 7)).Message);
    }

    /// <summary>
    /// A replay whose first attempt wrote a session as a patch and whose retry (its cache rebuilt) wrote it whole holds
    /// the same content when the put's value has the patch's length, head and tail; any other value does not.
    /// </summary>
    [Fact]
    public void SameContent_OfAPatchAndAPutOfItsValue_IsTheSame_AndOfAnyOtherValueIsNot()
    {
        var value = Enumerable.Range(0, 50).Select(i => (byte)i).ToArray();
        var patchWriter = new StateFileWriter(StateFileKind.Delta, 7);
        patchWriter.Patch(Bytes("k"), value, new KeptBytes(3, 5, 40));
        var patch = patchWriter.Finish(1, 51).ToArray();
        byte[] Put(byte[] put)
        {
            var writer = new StateFileWriter(StateFileKind.Delta, 7);
            writer.Put(Bytes("k"), put);
            return writer.Finish(1, 51).ToArray();
        }
        byte[] Changed(int index)
        {
            var changed = value.ToArray();
            changed[index] ^= 0xFF;
            return changed;
        }

        Assert.True(StateFile.SameContent(patch, Put(value), Name));
        Assert.True(StateFile.SameContent(Put(value), patch, Name));
        Assert.False(StateFile.SameContent(patch, Put(Changed(2)), Name));
        Assert.False(StateFile.SameContent(patch, Put(Changed(47)), Name));
        Assert.False(StateFile.SameContent(patch, Put(value[..49]), Name));
    }

    /// <summary>A patch whose kept offset is past 2^31 (a damaged file with a right checksum) is named as corrupt.</summary>
    [Fact]
    public void Patch_KeepingBytesPastTwoGigabytes_IsNamedCorrupt()
    {
        var writer = new StateFileWriter(StateFileKind.Delta, 7);
        writer.Patch(Bytes("k"), new byte[50], new KeptBytes(0x01020304, 5, 40));
        var bytes = writer.Finish(1, 51).ToArray();
        var at = bytes.AsSpan().IndexOf(new byte[] { 4, 3, 2, 1 });
        Assert.True(at > 0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), 0xFFFFFFF0);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 8)));
        var file = StateFile.Parse(bytes, Name, StateFileKind.Delta, 7);
        var previous = new byte[100];

        var error = Assert.Throws<CheckpointCorruptException>(() =>
        {
            foreach (var record in file)
            {
                record.PatchOf(previous, hasPrevious: true, Name);
            }
        });
        Assert.Contains("keeps bytes 4294967280", error.Message);
    }

    /// <summary>A delta that closes windows (prefix removes) and patches a session in the same version holds both in format 3.</summary>
    [Fact]
    public void APrefixRemove_AndAPatch_InOneDelta_ReadBackInOrder_AsFormatThree()
    {
        var previous = Enumerable.Range(0, 50).Select(i => (byte)i).ToArray();
        var value = previous.ToArray();
        value[0] = 99;
        value[49] = 98;
        var writer = new StateFileWriter(StateFileKind.Delta, 7);
        writer.RemovePrefix(Bytes("window=1"));
        writer.Put(Bytes("window=2|user=a"), Bytes("count=1"));
        writer.Patch(Bytes("session|user=b"), value, new KeptBytes(3, 3, 44));
        var bytes = writer.Finish(2, 60).ToArray();

        Assert.Equal(StateFileWriter.ExtendedFormatVersion, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        var file = StateFile.Parse(bytes, Name, StateFileKind.Delta, 7);
        var seen = new List<string>();
        foreach (var record in file)
        {
            seen.Add(record.IsPrefixRemove ? $"*{Encoding.UTF8.GetString(record.Key)}"
                : record.IsPatch ? $"~{Encoding.UTF8.GetString(record.Key)}" : $"{Encoding.UTF8.GetString(record.Key)}={Encoding.UTF8.GetString(record.Value)}");
            if (record.IsPatch)
            {
                Assert.Equal(value, record.PatchOf(previous, hasPrevious: true, Name));
            }
        }
        Assert.Equal(["*window=1", "window=2|user=a=count=1", "~session|user=b"], seen);
    }

    /// <summary>
    /// A patch under a prefix the same file removed first would rebuild a value from one the file deleted, and a prefix
    /// of no bytes or only 0xFF bytes would remove every key from it on: the writer never writes either, a reader names
    /// both as corrupt.
    /// </summary>
    [Theory]
    [InlineData("", "removes the key prefix of no bytes")]
    [InlineData("FFFF", "removes the key prefix FFFF, which would remove every key from it on")]
    [InlineData("77", "patches key 7778, whose previous value a prefix remove before it in the same file deleted")]
    public void APatchUnderARemovedPrefix_OrAPrefixWithoutAnEnd_IsRefusedAsCorrupt(string prefixHex, string problem)
    {
        var writer = new StateFileWriter(StateFileKind.Delta, 7);
        writer.RemovePrefix(Convert.FromHexString(prefixHex));
        writer.Patch(Bytes("wx"), new byte[50], new KeptBytes(0, 5, 40));
        var bytes = writer.Finish(1, 51).ToArray();

        var error = Assert.Throws<CheckpointCorruptException>(() => StateFile.Parse(bytes, Name, StateFileKind.Delta, 7));

        Assert.Contains($"record {(prefixHex == "77" ? 1 : 0)} {problem}", error.Message);
    }

    /// <summary>The file with its format changed and its checksum made right again, so only the format is wrong.</summary>
    private static byte[] WithFormat(byte[] file, int format)
    {
        var bytes = file.ToArray();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), (ushort)format);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 8), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 8)));
        return bytes;
    }
}
