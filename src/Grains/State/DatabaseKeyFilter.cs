using RocksDbSharp;
using Sluice.State.Encoding;

namespace Sluice.State;

/// <summary>
/// The keys a store's database may hold: a Bloom filter of every key put into it (restored, written behind, applied at
/// once), so the store's check before it drops a remove (<see cref="RocksDbStateStore"/>'s <c>InDatabase</c>) reads the
/// database only for a key the filter may hold. It has no false negatives: a key is added before its write is handed
/// over, and a remove leaves its bits set (it only costs a lookup later). A false positive costs the lookup every such
/// remove made before. Each key sets four bits of one 64-bit word (one cache line read per check); at its capacity the
/// filter holds 8 bits per key, about 2% false positives. Once more keys than its capacity added bits, it is rebuilt
/// from the keys the database holds, at twice their number: a store whose keys come and go (windows opening and
/// closing) does not fill it for ever, and the rebuild's scan is paid once per as many new keys as the database holds.
/// </summary>
internal sealed class DatabaseKeyFilter
{
    /// <summary>Keys the smallest filter is sized for (16 KiB of bits).</summary>
    public const long MinCapacity = 16_384;

    private const int BitsPerKey = 8;

    private ulong[] _words = [];
    private long _capacity;
    // Keys that set a bit since the filter was built (a key added again, or one whose bits were all set, sets none).
    private long _added;

    public DatabaseKeyFilter(long capacity = MinCapacity) => Reset(capacity);

    /// <summary>Keys the filter is sized for.</summary>
    public long Capacity => _capacity;

    /// <summary>More keys than <see cref="Capacity"/> set bits since the filter was built: rebuild it once they are all in the database.</summary>
    public bool NeedsRebuild => _added > _capacity;

    /// <summary>Memory the filter's bits take.</summary>
    public long Bytes => _words.Length * sizeof(ulong);

    /// <summary>Times the filter was rebuilt from the database.</summary>
    public long Rebuilds { get; private set; }

    public void Add(ReadOnlySpan<byte> key)
    {
        var hash = StableHash64.XxHash64(key);
        ref var word = ref _words[Index(hash)];
        var mask = Mask(hash);
        if ((word & mask) != mask)
        {
            word |= mask;
            _added++;
        }
    }

    /// <summary>False only when the key was never added since the filter was built.</summary>
    public bool MayContain(ReadOnlySpan<byte> key)
    {
        var hash = StableHash64.XxHash64(key);
        var mask = Mask(hash);
        return (_words[Index(hash)] & mask) == mask;
    }

    /// <summary>
    /// Starts over, sized for <paramref name="capacity"/> keys: only while no key the database holds was added, or
    /// before adding every key it holds (<see cref="Rebuild"/>).
    /// </summary>
    public void Reset(long capacity)
    {
        _capacity = Math.Max(capacity, MinCapacity);
        var words = Math.Min(((_capacity * BitsPerKey) + 63) / 64, Array.MaxLength);
        if (_words.Length == words)
        {
            Array.Clear(_words);
        }
        else
        {
            _words = new ulong[words];
        }
        _added = 0;
    }

    /// <summary>
    /// Builds the filter again from every key <paramref name="db"/> holds, sized for twice their number. Call it only
    /// when every key added is in the database (after a write), never while a write batch is being filled.
    /// </summary>
    public void Rebuild(RocksDb db)
    {
        // A whole scan would evict the hot blocks the next batches read from the cache all stores share.
        var read = new ReadOptions().SetFillCache(false);
        var keys = 0L;
        using (var iterator = db.NewIterator(null, read))
        {
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                keys++;
            }
        }
        Reset(2 * keys);
        using (var iterator = db.NewIterator(null, read))
        {
            for (iterator.SeekToFirst(); iterator.Valid(); iterator.Next())
            {
                Add(iterator.GetKeySpan());
            }
        }
        GC.KeepAlive(read);
        Rebuilds++;
    }

    // The word from the hash's upper half (multiply-shift: no division), the bits from its lower 24 bits.
    private int Index(ulong hash) => (int)(((hash >> 32) * (ulong)_words.Length) >> 32);

    private static ulong Mask(ulong hash) =>
        (1UL << (int)(hash & 63)) | (1UL << (int)((hash >> 6) & 63)) | (1UL << (int)((hash >> 12) & 63)) | (1UL << (int)((hash >> 18) & 63));
}
