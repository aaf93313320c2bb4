using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators.Join;

/// <summary>
/// A stream-stream join key group's state kept beside its store between batches (<see cref="OperatorCache"/>), so a
/// batch reads neither the whole state to evict nor the store once per new row to join:
/// <list type="bullet">
/// <item>per side, the rows by eviction time (<see cref="EvictionRuns"/>): eviction takes only the rows that expire;</item>
/// <item>per side, while the silo's <see cref="StateCacheBudget"/> has room for its rows, the rows themselves, as their
/// stored values, with their matched flag: a new row of the other side joins them without a store read. A row is
/// decoded the first time a new row probes it and kept decoded from then on; most rows of a join such as Nexmark q7's
/// are never probed, and an encoded value is one small array where a decoded row is an array and a box per value, which
/// the GC would trace for as long as the row is held. Past the budget the side holding more rows stops mirroring for
/// good (until the cache is rebuilt) and new rows of the other side read its rows from the store as before; the side
/// holding fewer keeps mirroring while there is room. So q7's few window maxima stay held when its millions of bids
/// outgrow the budget, and each bid joins them without opening a store iterator. The eviction index stays.</item>
/// <item>per side and join key, an index of those rows in the store's key order, built lazily: rows a batch adds go
/// to the side's list of unindexed rows (in the order added, which is their key order within a join key), and a
/// probe scans that list until the probes have walked it eight times over, then indexes it. A side that is rarely probed, as the
/// bids of Nexmark q7 (millions of rows, one probe per closed window), never pays a hash insert, a list and an array
/// per join key for each row, nor their removal at eviction; a side probed by every new row (q3, q8) is indexed after
/// eight scans, which cost about as much as indexing its rows.</item>
/// </list>
/// The stored layout is unchanged (key: side, join key, batch, n; value: matched, eviction time, row), so the cache is
/// rebuilt from any checkpoint's state by one pass over the store when the store opens; the window grain drops it with
/// the operator cache whenever the store's working version is thrown away, so it never holds an aborted attempt's rows.
/// </summary>
internal sealed class JoinStateCache : IDisposable
{
    private readonly StateCacheBudget _budget;
    private readonly EvictionRuns<StoredJoinRow>[] _expiring = [new(), new()];
    // Per side: the rows a batch stored in its entry with no object of their own (the side did not mirror), as that
    // entry once per row, by eviction time.
    private readonly EvictionRuns<SideBatch>[] _expiringInEntries = [new(), new()];
    // Per side: its rows by join key, or null once it stops mirroring.
    private readonly Dictionary<byte[], List<StoredJoinRow>>?[] _rows = [new(ByteKeyComparer.Instance), new(ByteKeyComparer.Instance)];
    // Per side: rows held but not indexed yet, in the order added; the entries probes walked since the side was last
    // indexed; and how many of the list's rows have been evicted (dropped from the list in one pass once they are half).
    private readonly List<StoredJoinRow>[] _unindexed = [[], []];
    private readonly long[] _scanned = new long[2];
    private readonly int[] _unindexedEvicted = new int[2];
    // A probe's walk of the unindexed rows compares a short key per row; indexing one is a hash insert, a list and an
    // array per new join key, about ten times that. Walking them this many times before indexing them bounds the walks
    // at about the cost of the index, whatever the probes.
    private const long ScansBeforeIndexing = 8;
    // A probe's rows when unindexed ones match it; valid until the next probe.
    private readonly List<StoredJoinRow> _probe = [];
    // Per side: the rows held, each one entry of the budget.
    private readonly long[] _held = new long[2];
    // Per side: the threshold its rows were last evicted by; rows a probe scanned in its batch entries.
    private readonly long?[] _evictedThrough = new long?[2];
    private readonly long[] _scannedBatchRows = new long[2];
    private readonly long[] _added = new long[2];
    // Per side: batch entries in the store, and whether its threshold is.
    private readonly long[] _entries = new long[2];
    private readonly bool[] _thresholdStored = new bool[2];
    private readonly List<SideBatch> _emptyBatches = [];

    private JoinStateCache(StateCacheBudget budget) => _budget = budget;

    /// <summary>Whether every stored row of <paramref name="side"/> is held (else the batch reads its rows and matched flags from the store).</summary>
    public bool Mirrors(int side) => _rows[side] is not null;

    /// <summary>
    /// The cache of the rows in <paramref name="store"/>: one pass in key order, so each key's rows stored as their own
    /// entries come sorted; the rows of a side's batch entries (<see cref="SideBatch"/>) follow, without those at or
    /// below the side's eviction threshold (evicted, still in an entry with live rows).
    /// </summary>
    public static JoinStateCache Build(IStateStore store, StateCacheBudget budget)
    {
        var cache = new JoinStateCache(budget);
        for (var side = 0; side < 2; side++)
        {
            if (store.Get(SideBatch.ThresholdKey(side)) is { } threshold)
            {
                cache._evictedThrough[side] = (long)RowCodec.Decode(threshold)[0]!;
                cache._thresholdStored[side] = true;
            }
        }
        foreach (var (key, value) in store.Iterate())
        {
            var keyValues = RowCodec.Decode(key);
            var kind = (int)keyValues[0]!;
            if (kind is not (StreamJoinOperator.Left or StreamJoinOperator.Right) && kind - SideBatch.BatchKind is not (0 or 1) && kind - SideBatch.ThresholdKind is not (0 or 1))
            {
                throw new FormatException($"a join key group's state holds an entry of kind {kind}, which this build does not know (written by a later build?); run the build that wrote the checkpoint, or start the query from a new checkpoint");
            }
            if (kind >= SideBatch.ThresholdKind)
            {
                continue;
            }
            if (kind >= SideBatch.BatchKind)
            {
                cache.AddStored(SideBatch.Stored(kind - SideBatch.BatchKind, (long)keyValues[1]!, value.Length), value);
                continue;
            }
            var (matched, evictionMs) = StoredJoinRow.ReadHeader(value);
            var row = new StoredJoinRow(kind, (byte[])keyValues[1]!, key, evictionMs, (long)keyValues[2]!, value.Length)
            {
                Matched = matched,
                Value = value,
            };
            cache.Add(row, sorted: true);
        }
        return cache;
    }

    /// <summary>A batch entry's rows not evicted yet; an entry with none is deleted by the next batch.</summary>
    private void AddStored(SideBatch batch, byte[] value)
    {
        foreach (var (stateKey, rowValue) in SideBatch.Decode(value))
        {
            var (matched, evictionMs) = StoredJoinRow.ReadHeader(rowValue);
            if (evictionMs is { } ms && _evictedThrough[batch.Side] is { } through && ms <= through)
            {
                continue;
            }
            var keyValues = RowCodec.Decode(stateKey);
            Add(new StoredJoinRow(batch.Side, (byte[])keyValues[1]!, stateKey, evictionMs, batch.Batch, rowValue.Length)
            {
                Matched = matched,
                Value = rowValue,
                StoredIn = batch,
            });
            batch.Live++;
        }
        if (batch.Live == 0)
        {
            _emptyBatches.Add(batch);
        }
        else
        {
            _entries[batch.Side]++;
        }
    }

    /// <summary>Counts a batch entry written (<paramref name="written"/> 1) or deleted (-1).</summary>
    public void CountEntries(int side, int written) => _entries[side] += written;

    /// <summary>
    /// Whether <paramref name="side"/>'s threshold must be stored (true: an entry keeps rows it evicted) or deleted
    /// (false: no entry is left); null: neither. Records the answer as done.
    /// </summary>
    public bool? ThresholdChange(int side, bool entryKeepsEvicted)
    {
        if (entryKeepsEvicted)
        {
            _thresholdStored[side] = true;
            return true;
        }
        if (_entries[side] == 0 && _thresholdStored[side])
        {
            _thresholdStored[side] = false;
            return false;
        }
        return null;
    }

    /// <summary>Rows held in the state (stored and not evicted), whether the cache mirrors them or not.</summary>
    public long Rows { get; private set; }

    /// <summary>The highest threshold <paramref name="side"/>'s rows were evicted by (null: none yet).</summary>
    public long? EvictedThrough(int side) => _evictedThrough[side];

    /// <summary>Records that <paramref name="side"/>'s rows at or below <paramref name="thresholdMs"/> are evicted; whether that raised the side's threshold.</summary>
    public bool RaiseEvictedThrough(int side, long thresholdMs)
    {
        if (_evictedThrough[side] is { } through && thresholdMs <= through)
        {
            return false;
        }
        _evictedThrough[side] = thresholdMs;
        return true;
    }

    /// <summary>Batch entries found with no live rows when the cache was built, for the next batch to delete (once).</summary>
    public List<SideBatch> TakeEmptyBatches()
    {
        var empty = _emptyBatches.ToList();
        _emptyBatches.Clear();
        return empty;
    }

    /// <summary>
    /// Whether <paramref name="side"/> still stores new rows per batch: a side whose batch entries are read from the
    /// store (not mirrored) by probes scanning more than eight times the rows it ever added stores new rows as their own entries, read
    /// by join key, from then on (its batch entries go with their rows).
    /// </summary>
    public bool BatchesNewRows(int side) => _scannedBatchRows[side] <= (ScansBeforeIndexing * _added[side]) + 1024;

    /// <summary>Counts the rows a probe scanned in <paramref name="side"/>'s batch entries.</summary>
    public void ScannedBatchRows(int side, int rows) => _scannedBatchRows[side] += rows;

    /// <summary>
    /// Adds a row just stored. <paramref name="sorted"/>: it comes after every held row of its key in byte order (the
    /// store's iteration), else it is placed among them.
    /// </summary>
    public void Add(StoredJoinRow row, bool sorted = false)
    {
        var side = row.Side;
        Rows++;
        _added[side]++;
        if (Mirrors(side) && !_budget.TryTake())
        {
            // Past the budget: the side holding more rows lets them go (it is the one that outgrew the budget, and
            // the cheaper to read from the store per probe of it); this side goes too if that left no room.
            if (Mirrors(1 - side) && _held[1 - side] > _held[side])
            {
                StopMirroring(1 - side);
            }
            if (!_budget.TryTake())
            {
                StopMirroring(side);
            }
        }
        if (_rows[side] is not null)
        {
            _held[side]++;
            if (sorted)
            {
                Index(row, sorted: true);
            }
            else
            {
                _unindexed[row.Side].Add(row);
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

    /// <summary>
    /// Adds a row just stored in <paramref name="entry"/> (<see cref="SideBatch.AddUnheld"/>) for a side that does not
    /// mirror: a probe reads it from the store or the entry's staged bytes, so only its eviction is kept, as the entry
    /// by <paramref name="evictionMs"/>. Nexmark q7's bids past the budget: no row object and join key array held per bid.
    /// </summary>
    public void AddToEntry(SideBatch entry, long evictionMs)
    {
        if (Mirrors(entry.Side))
        {
            throw new InvalidOperationException("a side the join state cache mirrors holds each of its rows");
        }
        Rows++;
        _added[entry.Side]++;
        _expiringInEntries[entry.Side].Add(entry, evictionMs);
    }

    /// <summary>
    /// The held rows of <paramref name="side"/> with <paramref name="joinKey"/>, in the store's key order; only while
    /// it <see cref="Mirrors"/>. The list is valid until the next call.
    /// </summary>
    public IReadOnlyList<StoredJoinRow> RowsOf(int side, byte[] joinKey)
    {
        var indexed = _rows[side] ?? throw new InvalidOperationException("the join state cache does not mirror this side's state; read the store");
        var unindexed = _unindexed[side];
        if (unindexed.Count > 0 && _scanned[side] >= ScansBeforeIndexing * unindexed.Count)
        {
            IndexUnindexed(side);
        }
        var rows = indexed.TryGetValue(joinKey, out var found) ? found : (IReadOnlyList<StoredJoinRow>)[];
        if (unindexed.Count == 0)
        {
            return rows;
        }
        // Unindexed rows were added after every indexed one, and in key order within a join key, so they follow.
        _scanned[side] += unindexed.Count;
        _probe.Clear();
        foreach (var row in unindexed)
        {
            if (!row.Evicted && row.JoinKey.AsSpan().SequenceEqual(joinKey))
            {
                if (_probe.Count == 0)
                {
                    _probe.AddRange(rows);
                }
                _probe.Add(row);
            }
        }
        if (_probe.Count == 0)
        {
            return rows;
        }
        for (var i = 1; i < _probe.Count; i++)
        {
            if (StateKeys.Comparer.Compare(_probe[i - 1].StateKey, _probe[i].StateKey) > 0)
            {
                // Not expected (a batch's rows get keys after every stored one), but the order is the store's.
                _probe.Sort(ByStateKey.Instance);
                break;
            }
        }
        return _probe;
    }

    /// <summary>Rows held in <paramref name="side"/>'s join key index (the others wait for a probe); for tests.</summary>
    internal int IndexedRows(int side) => _rows[side]?.Values.Sum(r => r.Count) ?? 0;

    /// <summary>The rows of <paramref name="side"/> held (indexed or not), while it mirrors; for tests.</summary>
    internal IEnumerable<StoredJoinRow> HeldRows(int side) =>
        (_rows[side]?.Values.SelectMany(r => r) ?? []).Concat(_unindexed[side].Where(r => !r.Evicted));

    /// <summary>
    /// Takes the rows of <paramref name="side"/> whose eviction time is at or below <paramref name="thresholdMs"/>: those
    /// with an object into <paramref name="due"/>, those without (<see cref="AddToEntry"/>) as their entry, once per row,
    /// into <paramref name="dueInEntries"/>.
    /// </summary>
    public void TakeDue(int side, long thresholdMs, List<StoredJoinRow> due, List<SideBatch> dueInEntries)
    {
        _expiring[side].TakeDue(thresholdMs, due);
        _expiringInEntries[side].TakeDue(thresholdMs, dueInEntries);
    }

    /// <summary>Rows of <paramref name="side"/> held as their entry only (<see cref="AddToEntry"/>); for tests.</summary>
    internal long RowsInEntriesOnly(int side) => _expiringInEntries[side].Count;

    /// <summary>
    /// Drops evicted rows (taken by <see cref="TakeDue"/>) from the mirror; <paramref name="evictedInEntries"/>: the rows
    /// taken as their entry.
    /// </summary>
    public void Forget(List<StoredJoinRow> evicted, int evictedInEntries)
    {
        Rows -= evicted.Count + evictedInEntries;
        foreach (var row in evicted)
        {
            row.Evicted = true;
        }
        HashSet<List<StoredJoinRow>>? touched = null;
        var unindexed = 0;
        foreach (var row in evicted)
        {
            var side = row.Side;
            if (_rows[side] is not { } indexed)
            {
                // Not held: the side stopped mirroring.
                continue;
            }
            if (!row.Indexed)
            {
                // Left in its side's list, which drops its evicted rows in one pass once they are half of it.
                _unindexedEvicted[side]++;
                _held[side]--;
                unindexed++;
            }
            else if (indexed.TryGetValue(row.JoinKey, out var rows) && (touched ??= new(ReferenceEqualityComparer.Instance)).Add(rows))
            {
                var removed = rows.RemoveAll(static r => r.Evicted);
                _held[side] -= removed;
                _budget.Release(removed);
                if (rows.Count == 0)
                {
                    indexed.Remove(row.JoinKey);
                }
            }
        }
        _budget.Release(unindexed);
        for (var side = 0; side < 2; side++)
        {
            if (_unindexedEvicted[side] > 0 && 2 * _unindexedEvicted[side] >= _unindexed[side].Count)
            {
                _unindexed[side].RemoveAll(static r => r.Evicted);
                _unindexedEvicted[side] = 0;
            }
        }
    }

    /// <summary>Moves <paramref name="side"/>'s unindexed rows into its join key index.</summary>
    private void IndexUnindexed(int side)
    {
        foreach (var row in _unindexed[side])
        {
            if (!row.Evicted)
            {
                Index(row, sorted: false);
            }
        }
        _unindexed[side].Clear();
        _unindexedEvicted[side] = 0;
        _scanned[side] = 0;
    }

    private void Index(StoredJoinRow row, bool sorted)
    {
        row.Indexed = true;
        var indexed = _rows[row.Side]!;
        if (!indexed.TryGetValue(row.JoinKey, out var rows))
        {
            indexed[row.JoinKey] = rows = [];
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

    public void Dispose()
    {
        for (var side = 0; side < 2; side++)
        {
            Release(side);
        }
    }

    /// <summary>Past the budget: <paramref name="side"/>'s rows are read from the store from now on, and their held copies go.</summary>
    private void StopMirroring(int side)
    {
        foreach (var rows in _rows[side]!.Values)
        {
            foreach (var row in rows)
            {
                row.Drop();
            }
        }
        foreach (var row in _unindexed[side])
        {
            row.Drop();
        }
        Release(side);
    }

    /// <summary>Lets go of <paramref name="side"/>'s held rows and gives their entries back to the budget.</summary>
    private void Release(int side)
    {
        if (_rows[side] is null)
        {
            return;
        }
        _budget.Release(_held[side]);
        _held[side] = 0;
        _rows[side] = null;
        _unindexed[side].Clear();
        _unindexedEvicted[side] = 0;
        _probe.Clear();
    }

    private sealed class ByStateKey : IComparer<StoredJoinRow>
    {
        public static readonly ByStateKey Instance = new();

        public int Compare(StoredJoinRow? x, StoredJoinRow? y) => StateKeys.Comparer.Compare(x!.StateKey, y!.StateKey);
    }
}
