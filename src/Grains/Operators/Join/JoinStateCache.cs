using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators.Join;

/// <summary>
/// A stream-stream join key group's state kept beside its store between batches (<see cref="OperatorCache"/>), so a
/// batch reads neither the whole state to evict nor the store once per new row to join:
/// <list type="bullet">
/// <item>per side, the rows by eviction time (<see cref="EvictionRuns"/>): eviction takes only the rows that expire;</item>
/// <item>while the silo's <see cref="StateCacheBudget"/> has room for every row, per side and join key the rows
/// themselves, as their stored values, with their matched flag, in the store's key order: a new row joins them without
/// a store read. A row is decoded the first time a new row probes it and kept decoded from then on; most rows of a
/// join such as Nexmark q7's are never probed, and an encoded value is one small array where a decoded row is an array
/// and a box per value, which the GC would trace for as long as the row is held. Past the budget it stops mirroring
/// for good (until the cache is rebuilt) and the batch reads the store as before; the eviction index stays.</item>
/// </list>
/// The stored layout is unchanged (key: side, join key, batch, n; value: matched, eviction time, row), so the cache is
/// rebuilt from any checkpoint's state by one pass over the store when the store opens; the window grain drops it with
/// the operator cache whenever the store's working version is thrown away, so it never holds an aborted attempt's rows.
/// </summary>
internal sealed class JoinStateCache : IDisposable
{
    private readonly StateCacheBudget _budget;
    private readonly EvictionRuns[] _expiring = [new(), new()];
    private Dictionary<byte[], List<StoredJoinRow>>[]? _rows = [new(ByteKeyComparer.Instance), new(ByteKeyComparer.Instance)];
    private long _held;

    private JoinStateCache(StateCacheBudget budget) => _budget = budget;

    /// <summary>Whether every stored row is held (else the batch reads rows and matched flags from the store).</summary>
    public bool Mirrors => _rows is not null;

    /// <summary>The cache of the rows in <paramref name="store"/>: one pass in key order, so each key's rows come sorted.</summary>
    public static JoinStateCache Build(IStateStore store, StateCacheBudget budget)
    {
        var cache = new JoinStateCache(budget);
        foreach (var (key, value) in store.Iterate())
        {
            var keyValues = RowCodec.Decode(key);
            var (matched, evictionMs) = StoredJoinRow.ReadHeader(value);
            var row = new StoredJoinRow((int)keyValues[0]!, (byte[])keyValues[1]!, key, evictionMs, (long)keyValues[2]!, value.Length)
            {
                Matched = matched,
                Value = value,
            };
            cache.Add(row, sorted: true);
        }
        return cache;
    }

    /// <summary>
    /// Adds a row just stored. <paramref name="sorted"/>: it comes after every held row of its key in byte order (the
    /// store's iteration), else it is placed among them.
    /// </summary>
    public void Add(StoredJoinRow row, bool sorted = false)
    {
        if (_rows is not null && !_budget.TryTake())
        {
            StopMirroring();
        }
        if (_rows is not null)
        {
            _held++;
            if (!_rows[row.Side].TryGetValue(row.JoinKey, out var rows))
            {
                _rows[row.Side][row.JoinKey] = rows = [];
            }
            if (sorted || rows.Count == 0 || StateKeys.Comparer.Compare(rows[^1].StateKey, row.StateKey) < 0)
            {
                rows.Add(row);
            }
            else
            {
                var at = rows.BinarySearch(row, ByStateKey.Instance);
                rows.Insert(at < 0 ? ~at : at, row);
            }
        }
        else
        {
            row.Drop();
        }
        if (row.EvictionMs is { } ms)
        {
            _expiring[row.Side].Add(row, ms);
        }
    }

    /// <summary>The held rows of <paramref name="side"/> with <paramref name="joinKey"/>, in the store's key order; only while <see cref="Mirrors"/>.</summary>
    public IReadOnlyList<StoredJoinRow> RowsOf(int side, byte[] joinKey) =>
        (_rows ?? throw new InvalidOperationException("the join state cache does not mirror the state; read the store"))[side].TryGetValue(joinKey, out var rows) ? rows : [];

    /// <summary>Takes the rows of <paramref name="side"/> whose eviction time is at or below <paramref name="thresholdMs"/>.</summary>
    public void TakeDue(int side, long thresholdMs, List<StoredJoinRow> due)
    {
        _expiring[side].TakeDue(thresholdMs, due);
    }

    /// <summary>Drops evicted rows (taken by <see cref="TakeDue"/>) from the mirror.</summary>
    public void Forget(List<StoredJoinRow> evicted)
    {
        foreach (var row in evicted)
        {
            row.Evicted = true;
        }
        if (_rows is null)
        {
            return;
        }
        var touched = new HashSet<List<StoredJoinRow>>(ReferenceEqualityComparer.Instance);
        foreach (var row in evicted)
        {
            if (_rows[row.Side].TryGetValue(row.JoinKey, out var rows) && touched.Add(rows))
            {
                var removed = rows.RemoveAll(static r => r.Evicted);
                _held -= removed;
                _budget.Release(removed);
                if (rows.Count == 0)
                {
                    _rows[row.Side].Remove(row.JoinKey);
                }
            }
        }
    }

    public void Dispose()
    {
        if (_rows is not null)
        {
            _budget.Release(_held);
            _held = 0;
            _rows = null;
        }
    }

    /// <summary>Past the budget: rows are read from the store from now on, and their held copies go.</summary>
    private void StopMirroring()
    {
        foreach (var side in _rows!)
        {
            foreach (var rows in side.Values)
            {
                foreach (var row in rows)
                {
                    row.Drop();
                }
            }
        }
        Dispose();
    }

    private sealed class ByStateKey : IComparer<StoredJoinRow>
    {
        public static readonly ByStateKey Instance = new();

        public int Compare(StoredJoinRow? x, StoredJoinRow? y) => StateKeys.Comparer.Compare(x!.StateKey, y!.StateKey);
    }
}
