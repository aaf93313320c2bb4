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
internal sealed class HotGroups(StateCacheBudget budget) : IDisposable
{
    private readonly Dictionary<byte[], Entry> _groups = new(ByteKeyComparer.Instance);
    private int _batch;

    public int Count => _groups.Count;

    /// <summary>Whether the budget can take another group.</summary>
    public bool HasRoom => budget.Available > 0;

    /// <summary>The group of <paramref name="key"/> if held; marks it used by the current batch.</summary>
    public bool TryGet(byte[] key, out object?[] keyValues, out object?[] buffer)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_groups, key);
        if (Unsafe.IsNullRef(ref entry))
        {
            keyValues = buffer = null!;
            return false;
        }
        entry.LastBatch = _batch;
        (keyValues, buffer) = (entry.KeyValues, entry.Buffer);
        return true;
    }

    /// <summary>The group of <paramref name="key"/> if held, without marking it used (complete mode's full output).</summary>
    public bool TryPeek(byte[] key, out object?[] keyValues, out object?[] buffer)
    {
        var found = _groups.TryGetValue(key, out var entry);
        (keyValues, buffer) = (entry.KeyValues, entry.Buffer);
        return found;
    }

    /// <summary>Holds a group the store has (or just got), if the budget has room. The buffer is then changed in place.</summary>
    public void TryAdd(byte[] key, object?[] keyValues, object?[] buffer)
    {
        if (budget.TryTake())
        {
            _groups.Add(key, new Entry(keyValues, buffer, _batch));
        }
    }

    public void Remove(byte[] key)
    {
        if (_groups.Remove(key))
        {
            budget.Release(1);
        }
    }

    /// <summary>
    /// Starts a batch that touches the keys of <paramref name="batch"/>. When the budget cannot take the ones not
    /// held yet, drops held groups the batch does not touch: first those the previous batch did not use either, then
    /// any, so the batch's own groups stay hot.
    /// </summary>
    public void BeginBatch<T>(Dictionary<byte[], T> batch)
    {
        _batch++;
        if (budget.Available >= batch.Count || _groups.Count == 0)
        {
            return;
        }
        var missing = 0L;
        foreach (var key in batch.Keys)
        {
            missing += _groups.ContainsKey(key) ? 0 : 1;
        }
        var excess = missing - budget.Available;
        for (var pass = 0; pass < 2 && excess > 0; pass++)
        {
            var usedSince = pass == 0 ? _batch - 1 : _batch;
            foreach (var (key, entry) in _groups)
            {
                if (entry.LastBatch < usedSince && !batch.ContainsKey(key))
                {
                    _groups.Remove(key);
                    budget.Release(1);
                    if (--excess == 0)
                    {
                        break;
                    }
                }
            }
        }
    }

    public void Dispose()
    {
        budget.Release(_groups.Count);
        _groups.Clear();
    }

    private struct Entry(object?[] keyValues, object?[] buffer, int lastBatch)
    {
        public readonly object?[] KeyValues = keyValues;
        public readonly object?[] Buffer = buffer;
        public int LastBatch = lastBatch;
    }
}
