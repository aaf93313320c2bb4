using System.Runtime.CompilerServices;

namespace Sluice.Operators.Sessions;

/// <summary>
/// The keys of one <see cref="SessionizerBatch"/>, numbered in the order they first came: each key's chain of events
/// and the session held for it when it came. Keys are found through a <see cref="SlotIndex"/> by the hash the agent sent
/// with them, and a caller that knows the next keys' hashes (a payload's) prefetches what a lookup reads a few keys
/// ahead (<see cref="Prefetch"/>), as the typed aggregation does: the table of a key group's keys and their arrays are
/// larger than the caches, and a per-event lookup in a dictionary waited for memory on its entry and the key's bytes.
/// The key group keeps one, emptied, from batch to batch (<see cref="HotSessions.TakeKeys"/>).
/// </summary>
internal sealed class BatchKeys
{
    private readonly SlotIndex _index = new();
    private Chain[] _chains = new Chain[256];

    /// <summary>Keys this batch, numbered 0 to Count - 1 in the order they came.</summary>
    public int Count => _index.Count;

    /// <summary>The most keys a batch has had room for since the table was made (what keeping it holds on to).</summary>
    public int Capacity => _chains.Length;

    /// <summary>The number of <paramref name="key"/>, or -1; <paramref name="hash"/> is <see cref="SlotIndex.Hash"/> of it.</summary>
    public int Find(ReadOnlySpan<byte> key, int hash) => _index.Find(key, hash);

    /// <summary>Adds a key not in the table, with the session held for it (null: none); returns its number.</summary>
    public int Add(byte[] key, int hash, HeldSession? held)
    {
        var number = _index.Count;
        if (number == _chains.Length)
        {
            Array.Resize(ref _chains, number * 2);
        }
        _index.Add(key, hash, number);
        _chains[number] = new Chain { First = -1, Held = held };
        return number;
    }

    public byte[] KeyOf(int number) => _index.KeyOf(number);

    public ref Chain ChainOf(int number) => ref _chains[number];

    /// <summary>
    /// Brings into cache what finding the key of <paramref name="hash"/> reads, in three steps run a few keys apart
    /// (see <see cref="SlotIndex.PrefetchBucket"/>): <paramref name="step"/> 0 its bucket, 1 its number's key reference
    /// and chain, 2 its key's bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int hash, int step)
    {
        if (step == 0)
        {
            _index.PrefetchBucket(hash);
        }
        else if (step == 2)
        {
            _index.PrefetchKeyBytes(hash);
        }
        else if (_index.PrefetchKeyOf(hash) is var number and >= 0)
        {
            CacheHint.Prefetch(ref _chains[number]);
        }
    }

    /// <summary>Empties the table for the next batch, keeping its room.</summary>
    public void Clear()
    {
        Array.Clear(_chains, 0, _index.Count);
        _index.Clear();
    }

    /// <summary>A key's events this batch (first and last, chained through the batch's next links; -1: none yet) and its held session.</summary>
    internal struct Chain
    {
        public int First;
        public int Last;
        public HeldSession? Held;
    }
}
