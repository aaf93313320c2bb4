using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>
/// Encoded keys to dense slot numbers for <see cref="TypedHotGroups"/>: open addressing with linear probing over a
/// power-of-two bucket array, each bucket the key's hash and its slot + 1 side by side, so a probe reads one cache line
/// and touches a key's bytes only when the hashes agree, and growing never rehashes a key. Removal shifts the following entries back (no tombstones).
/// It replaced a <c>Dictionary&lt;byte[], int&gt;</c> with an alternate span lookup, whose shared-generic comparer
/// calls were most of the window grain's cost of applying partials (see BENCHMARKS.md).
/// </summary>
internal sealed class SlotIndex
{
    private Bucket[] _buckets = new Bucket[16];
    private byte[][] _keys = [];
    private int[] _hashes = [];

    /// <summary>Keys held.</summary>
    public int Count { get; private set; }

    /// <summary>The key of a slot that is in the index.</summary>
    public byte[] KeyOf(int slot) => _keys[slot];

    /// <summary>The slot of <paramref name="key"/>, or -1; <paramref name="hash"/> is <see cref="Hash"/> of it.</summary>
    public int Find(ReadOnlySpan<byte> key, int hash)
    {
        var mask = _buckets.Length - 1;
        for (var i = hash & mask; ; i = (i + 1) & mask)
        {
            var bucket = _buckets[i];
            if (bucket.Entry == 0)
            {
                return -1;
            }
            if (bucket.Hash == hash && key.SequenceEqual(_keys[bucket.Entry - 1]))
            {
                return bucket.Entry - 1;
            }
        }
    }

    /// <summary>Adds <paramref name="key"/> (not in the index) at <paramref name="slot"/> (not in use).</summary>
    public void Add(byte[] key, int hash, int slot)
    {
        if (slot >= _keys.Length)
        {
            var capacity = Math.Max(Math.Max(256, slot + 1), _keys.Length * 2);
            Array.Resize(ref _keys, capacity);
            Array.Resize(ref _hashes, capacity);
        }
        if ((Count + 1) * 2 > _buckets.Length)
        {
            Grow();
        }
        (_keys[slot], _hashes[slot]) = (key, hash);
        var mask = _buckets.Length - 1;
        var i = hash & mask;
        while (_buckets[i].Entry != 0)
        {
            i = (i + 1) & mask;
        }
        _buckets[i] = new Bucket(hash, slot + 1);
        Count++;
    }

    /// <summary>Removes the key of <paramref name="slot"/>, which is in the index.</summary>
    public void Remove(int slot)
    {
        var mask = _buckets.Length - 1;
        var i = _hashes[slot] & mask;
        while (_buckets[i].Entry != slot + 1)
        {
            i = (i + 1) & mask;
        }
        // Backward shift: move up each following entry whose home bucket is not between the hole and it.
        for (var j = (i + 1) & mask; _buckets[j].Entry != 0; j = (j + 1) & mask)
        {
            var home = _buckets[j].Hash & mask;
            if (((j - home) & mask) >= ((j - i) & mask))
            {
                _buckets[i] = _buckets[j];
                i = j;
            }
        }
        _buckets[i] = default;
        _keys[slot] = null!;
        Count--;
    }

    public void Clear()
    {
        Array.Clear(_buckets);
        Array.Clear(_keys);
        Count = 0;
    }

    /// <summary>
    /// The index's hash of a key: the high half of its <see cref="RowCodec.KeyHashOf"/> (the routing hash, whose low
    /// bits pick the key group and so are alike for every key of one), well mixed in every bit linear probing uses.
    /// </summary>
    public static int Hash(ReadOnlySpan<byte> key) => HashOf(RowCodec.KeyHashOf(key));

    /// <summary><see cref="Hash"/> of a key whose <see cref="RowCodec.KeyHashOf"/> is <paramref name="keyHash"/> (an agent sent it with the key).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HashOf(ulong keyHash) => (int)(keyHash >> 32);

    /// <summary>
    /// Asks the CPU to bring the home bucket of <paramref name="hash"/> into cache: a caller that knows the hashes of
    /// the keys it will look up next (a payload's) prefetches a few ahead, so a lookup in an index larger than the
    /// caches does not wait for memory. The first of three steps, each a few keys later than the one before, so each
    /// finds in cache what it reads: the bucket, then the slot it names (<see cref="PrefetchKeyOf"/>), then the key's
    /// bytes (<see cref="PrefetchKeyBytes"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchBucket(int hash)
    {
        var buckets = _buckets;
        CacheHint.Prefetch(ref buckets[hash & (buckets.Length - 1)]);
    }

    /// <summary>
    /// The slot named by <paramref name="hash"/>'s home bucket when it holds that hash (-1: none, the key is likely new
    /// or further on), with the reference to its key brought into cache.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PrefetchKeyOf(int hash)
    {
        var bucket = _buckets[hash & (_buckets.Length - 1)];
        if (bucket.Hash != hash || bucket.Entry == 0)
        {
            return -1;
        }
        CacheHint.Prefetch(ref _keys[bucket.Entry - 1]);
        return bucket.Entry - 1;
    }

    /// <summary>The bytes of the key named by <paramref name="hash"/>'s home bucket into cache, when it holds that hash.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void PrefetchKeyBytes(int hash)
    {
        var bucket = _buckets[hash & (_buckets.Length - 1)];
        if (bucket.Hash == hash && bucket.Entry != 0 && _keys[bucket.Entry - 1] is { } key)
        {
            CacheHint.Prefetch(ref MemoryMarshal.GetArrayDataReference(key));
        }
    }

    private void Grow()
    {
        var buckets = new Bucket[_buckets.Length * 2];
        var mask = buckets.Length - 1;
        foreach (var bucket in _buckets)
        {
            if (bucket.Entry == 0)
            {
                continue;
            }
            var i = bucket.Hash & mask;
            while (buckets[i].Entry != 0)
            {
                i = (i + 1) & mask;
            }
            buckets[i] = bucket;
        }
        _buckets = buckets;
    }

    /// <summary>A key's hash and its slot + 1 (0: empty).</summary>
    private readonly record struct Bucket(int Hash, int Entry);
}
