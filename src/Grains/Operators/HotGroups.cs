using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Sluice.Operators;

/// <summary>
/// An aggregation key group's groups kept decoded between batches: each group's key values and aggregation buffer,
/// by encoded key. For the keys it holds it equals the store's working version after every batch (the batch writes
/// each changed group to the store too, as before), and the window grain drops it with the <see cref="OperatorCache"/>
/// whenever that version is thrown away, so a batch merges into it instead of reading, decoding and re-encoding the
/// group from the store. Entries count against the silo's <see cref="StateCacheBudget"/>; groups beyond it are read
/// from the store as before, so state larger than memory still works.
/// </summary>
internal sealed class HotGroups(StateCacheBudget budget, bool holdsAll = false) : IDisposable
{
    private readonly Dictionary<byte[], Entry> _groups = new(ByteKeyComparer.Instance);
    private int _batch;

    public int Count => _groups.Count;

    /// <summary>
    /// Whether every group the store holds is held here too (true from an empty store while every group found room),
    /// so a key not held is new to the state and need not be looked up in the store.
    /// </summary>
    public bool HoldsAll { get; private set; } = holdsAll;

    /// <summary>Whether the budget can take another group.</summary>
    public bool HasRoom => budget.Available > 0;

    /// <summary>The group of <paramref name="key"/> if held; marks it used by the current batch.</summary>
    public bool TryGet(byte[] key, out object?[] keyValues, out object?[] buffer)
    {
        ref var entry = ref Find(key);
        if (Unsafe.IsNullRef(ref entry))
        {
            keyValues = buffer = null!;
            return false;
        }
        (keyValues, buffer) = (entry.KeyValues, entry.Buffer);
        return true;
    }

    /// <summary>
    /// The held group of <paramref name="key"/>, marked used by the current batch, or a null reference; valid until
    /// the next change to the held set.
    /// </summary>
    public ref Entry Find(byte[] key)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_groups, key);
        if (!Unsafe.IsNullRef(ref entry))
        {
            entry.LastBatch = _batch;
        }
        return ref entry;
    }

    /// <summary>The key array of a held group, so a batch that meets the key again (as bytes) need not copy it.</summary>
    public byte[]? KeyOf(ReadOnlySpan<byte> key) =>
        _groups.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var held, out _) ? held : null;

    /// <summary>The group of <paramref name="key"/> if held, without marking it used (complete mode's full output).</summary>
    public bool TryPeek(byte[] key, out object?[] keyValues, out object?[] buffer) => TryPeek(key, out keyValues, out buffer, out _);

    /// <summary>As <see cref="TryPeek(byte[], out object?[], out object?[])"/>, with the group's <see cref="Entry.StoredLength"/>.</summary>
    public bool TryPeek(byte[] key, out object?[] keyValues, out object?[] buffer, out int storedLength)
    {
        var found = _groups.TryGetValue(key, out var entry);
        (keyValues, buffer, storedLength) = (entry.KeyValues, entry.Buffer, entry.StoredLength);
        return found;
    }

    /// <summary>
    /// Holds a group the store has (or just got), if the budget has room. The buffer is then changed in place.
    /// <paramref name="storedLength"/> is the length of the group's value in the store's committed version (-1: none).
    /// </summary>
    public bool TryAdd(byte[] key, object?[] keyValues, object?[] buffer, int storedLength = State.SortedEntries.Entry.UnknownLength)
    {
        if (!budget.TryTake())
        {
            HoldsAll = false;
            return false;
        }
        _groups.Add(key, new Entry(keyValues, buffer, _batch) { StoredLength = storedLength });
        return true;
    }

    /// <summary>A group the store has (or just got) that is not held: the held groups are no longer all of them.</summary>
    public void NotHeld() => HoldsAll = false;

    public void Remove(byte[] key)
    {
        if (_groups.Remove(key))
        {
            budget.Release(1);
        }
    }

    /// <summary>Starts a batch: groups it uses are marked with it.</summary>
    public void BeginBatch() => _batch++;

    /// <summary>
    /// Holds groups the batch read from the store but had no room for, making room by dropping held groups the batch
    /// does not touch: first those the previous batch did not use either, then any. A group new to the state is never
    /// admitted this way (only while there is room): a key seen once, as in state where every key is new, would
    /// otherwise push out a held group every time and churn the cache without a single hit.
    /// </summary>
    public void Admit<T>(List<(byte[] Key, object?[] KeyValues, object?[] Buffer)> reread, Dictionary<byte[], T> batch)
    {
        var excess = reread.Count - budget.Available;
        for (var pass = 0; pass < 2 && excess > 0; pass++)
        {
            var usedSince = pass == 0 ? _batch - 1 : _batch;
            foreach (var (key, entry) in _groups)
            {
                if (entry.LastBatch < usedSince && !batch.ContainsKey(key))
                {
                    HoldsAll = false;
                    _groups.Remove(key);
                    budget.Release(1);
                    if (--excess == 0)
                    {
                        break;
                    }
                }
            }
        }
        foreach (var (key, keyValues, buffer) in reread)
        {
            if (!TryAdd(key, keyValues, buffer))
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        budget.Release(_groups.Count);
        _groups.Clear();
    }

    /// <summary>A held group.</summary>
    internal struct Entry(object?[] keyValues, object?[] buffer, int lastBatch)
    {
        public readonly object?[] KeyValues = keyValues;
        public readonly object?[] Buffer = buffer;
        public int LastBatch = lastBatch;

        /// <summary>
        /// The length of the group's value in the store's committed version (-1: not committed), or
        /// <see cref="State.SortedEntries.Entry.UnknownLength"/>; handed to the store with each change so its commit
        /// need not look the key up. The batch that writes the group sets it to the written length, which is the
        /// committed one once the batch commits (an aborted batch drops the hot state with its cache).
        /// </summary>
        public int StoredLength;
    }
}
