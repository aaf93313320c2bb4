using System.Buffers.Binary;
using Sluice.Checkpointing;
using Sluice.State;

namespace Sluice.Tests.State;

/// <summary>
/// Puts that keep bytes of the committed value (<see cref="KeptBytes"/>), written to the changelog as patch records:
/// a store restored from changelogs with patches (and from snapshots taken between them) holds exactly what one
/// written with whole puts holds, a version written and never committed is thrown away with its patches, and a
/// changelog with patches is smaller and says so by its format.
/// </summary>
public abstract class StatePatchContractTests : StateStoreTestBase
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task RandomVersions_WithPatches_RestoreAsWholePuts(int seed)
    {
        var random = new Random(seed);
        var store = await OpenAsync(-1);
        var model = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var history = new List<Dictionary<string, byte[]>>();
        var patched = 0;
        for (var v = 0; v < 30; v++)
        {
            for (var n = random.Next(1, 12); n > 0; n--)
            {
                var key = $"k{random.Next(16):D2}";
                var committed = history.Count > 0 && history[^1].TryGetValue(key, out var c) ? c : null;
                switch (random.Next(8))
                {
                    case 0:
                        store.Remove(K(key));
                        model.Remove(key);
                        break;
                    case 1 or 2:
                        var value = RandomBytes(random, random.Next(0, 200));
                        store.Put(K(key), value);
                        model[key] = value;
                        break;
                    default:
                        // A value that keeps a slice of the committed one, between new bytes (as a session keeps its ids).
                        var (grown, kept) = Grow(random, committed);
                        store.Change(K(key), grown, committed?.Length ?? -1, kept);
                        model[key] = grown;
                        patched += kept.Length >= StateFileWriter.MinKeptLength ? 1 : 0;
                        break;
                }
                Assert.Equal(model.TryGetValue(key, out var expected) ? expected : null, store.Get(K(key)));
            }
            await store.CommitAndSnapshotAsync(v);
            history.Add(new Dictionary<string, byte[]>(model));
            if (random.Next(5) == 0)
            {
                store.Dispose();
                store = await OpenAsync(v);
                Assert.Equal(Describe(model), Describe(store.Iterate()));
            }
        }
        Assert.True(patched > 20, $"only {patched} patches: the test would prove little");
        // Every retained version restores to what it held, whichever snapshot and patches it starts from.
        store.Dispose();
        // Newest first: opening at a version deletes the files after it.
        for (var v = 29; v >= Math.Max(0, 29 - MinBatchesToRetain + 1); v--)
        {
            using var restored = await Provider.OpenAsync(Id, Checkpoint, QueryId, v, MinBatchesToRetain);
            Assert.Equal(Describe(history[v]), Describe(restored.Iterate()));
        }
    }

    [Fact]
    public async Task Changelog_WithPatches_IsSmallerAndFormatThree_AndWithoutStaysFormatOne()
    {
        var random = new Random(7);
        var store = await OpenAsync(-1);
        var first = RandomBytes(random, 400);
        store.Put(K("a"), first);
        await store.CommitAsync(0);
        Assert.Equal(StateFileWriter.FormatVersion, Format(0));
        var second = new byte[450];
        RandomBytes(random, 10).CopyTo(second, 0);
        first.CopyTo(second, 10);
        RandomBytes(random, 40).CopyTo(second, 410);
        store.Change(K("a"), second, first.Length, new KeptBytes(0, 10, first.Length));
        await store.CommitAsync(1);
        Assert.Equal(StateFileWriter.ExtendedFormatVersion, Format(1));
        // The patch record carries the 50 new bytes and its 16 bytes of offsets, not the 450-byte value.
        Assert.Equal(StateFileWriter.HeaderLength + StateFileWriter.TrailerLength + StateFileWriter.PatchLength(1, 450, 400), File.ReadAllBytes(Delta(1)).Length);
        store.Dispose();
        using var restored = await OpenAsync(1);
        Assert.Equal(second, restored.Get(K("a")));
    }

    [Fact]
    public async Task VersionWrittenButNotCommitted_IsThrownAwayWithItsPatches()
    {
        var random = new Random(3);
        var store = await OpenAsync(-1);
        var v0 = RandomBytes(random, 100);
        store.Put(K("s"), v0);
        await store.CommitAsync(0);
        var (v1, kept1) = Grow(random, v0);
        store.Change(K("s"), v1, v0.Length, kept1);
        await store.CommitAsync(1);
        // The process dies after version 2's changelog is written, before the query commits the batch.
        var (v2, kept2) = Grow(random, v1);
        store.Change(K("s"), v2, v1.Length, kept2);
        await store.CommitAsync(2);
        store.Dispose();
        var reopened = await OpenAsync(1);
        Assert.Equal(v1, reopened.Get(K("s")));
        Assert.False(File.Exists(Delta(2)));
        // The batch runs again with other rows: its patch is of version 1's value, and restores so.
        var (again, keptAgain) = Grow(random, v1);
        reopened.Change(K("s"), again, v1.Length, keptAgain);
        await reopened.CommitAsync(2);
        reopened.Dispose();
        using var restored = await OpenAsync(2);
        Assert.Equal(again, restored.Get(K("s")));
    }

    [Fact]
    public async Task PatchOfAValueTheVersionBeforeLacks_IsRefusedAsCorrupt_NamingTheKey()
    {
        var store = await OpenAsync(-1);
        store.Put(K("a"), new byte[100]);
        await store.CommitAsync(0);
        store.Change(K("a"), new byte[120], 100, new KeptBytes(0, 20, 100));
        await store.CommitAsync(1);
        store.Dispose();
        // Version 0's changelog replaced by one without the key: the patch has nothing to keep bytes of.
        var writer = new StateFileWriter(StateFileKind.Delta, 0);
        writer.Put(K("b"), new byte[100]);
        File.WriteAllBytes(Delta(0), writer.Finish(1, 101).ToArray());
        var error = await Assert.ThrowsAsync<CheckpointCorruptException>(() => OpenAsync(1));
        Assert.Contains("a patch of key 61", error.Message);
        Assert.Contains("the version before does not hold", error.Message);
    }

    /// <summary>A new value: a few new bytes, a slice of <paramref name="committed"/> (most of it), new bytes again.</summary>
    private static (byte[] Value, KeptBytes Kept) Grow(Random random, byte[]? committed)
    {
        var head = random.Next(0, 20);
        var tail = random.Next(0, 60);
        if (committed is null || committed.Length == 0)
        {
            return (RandomBytes(random, head + tail), default);
        }
        var from = random.Next(0, Math.Min(8, committed.Length));
        var length = random.Next(committed.Length - from + 1);
        var value = new byte[head + length + tail];
        RandomBytes(random, head).CopyTo(value, 0);
        committed.AsSpan(from, length).CopyTo(value.AsSpan(head));
        RandomBytes(random, tail).CopyTo(value, head + length);
        return (value, new KeptBytes(from, head, length));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        // Few distinct bytes, so larger changelogs compress (format 4) as well as not.
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.Next(random.Next(2) == 0 ? 4 : 256);
        }
        return bytes;
    }

    private string Delta(long version) => Path.Combine(StateFolder, $"{version}.delta");

    private int Format(long version) => BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(Delta(version)).AsSpan(4));

    private static List<string> Describe(IEnumerable<KeyValuePair<string, byte[]>> entries) =>
        [.. entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={Convert.ToHexString(e.Value)}")];

    private static List<string> Describe(IEnumerable<KeyValuePair<byte[], byte[]>> entries) =>
        Describe(entries.Select(e => new KeyValuePair<string, byte[]>(S(e.Key), e.Value)));
}

public sealed class MemoryStatePatchContractTests : StatePatchContractTests
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options) => new MemoryStateStoreProvider(options);
}

public sealed class RocksDbStatePatchContractTests : StatePatchContractTests
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options)
    {
        options.LocalRoot = Path.Combine(Root, "local");
        return new RocksDbStateStoreProvider(options);
    }
}

/// <summary>The RocksDB store without write-behind: each commit writes its changelog's records, a patch's as its entry's whole value.</summary>
public sealed class RocksDbEveryCommitStatePatchContractTests : StatePatchContractTests
{
    private protected override IStateStoreProvider CreateProvider(StateStoreOptions options)
    {
        options.LocalRoot = Path.Combine(Root, "local");
        options.WriteBehindMb = 0;
        return new RocksDbStateStoreProvider(options);
    }
}
