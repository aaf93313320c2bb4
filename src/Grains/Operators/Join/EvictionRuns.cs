namespace Sluice.Operators.Join;

/// <summary>
/// One join side's stored rows by eviction time, for taking every row at or below a threshold. A heap paid a sift of
/// about log2(state rows) moves, each a likely cache miss, for every row in and again out, and held the whole state in
/// one array. Rows come mostly in event-time order, batch after batch, so this keeps sorted runs instead: the rows
/// added since the last take are sorted once (not at all when they came in order) and become a run, and a take pops
/// each run's front. Adjacent runs merge, as in a natural merge sort, while the older one is not more than twice the
/// size of the newer, so there are at most about log2(rows) runs and each row is merged O(log rows) times at worst.
/// The order of the rows a take returns is unspecified (the caller sorts them when the order shows). A row is whatever
/// stands for it: its <see cref="StoredJoinRow"/>, or for a row kept only in its batch entry the <see cref="SideBatch"/>.
/// </summary>
internal sealed class EvictionRuns<T>
    where T : class
{
    private readonly List<Run> _runs = [];
    private Run _pending = new(4);
    private bool _pendingSorted = true;

    /// <summary>Rows held (added, not yet taken).</summary>
    public long Count { get; private set; }

    public void Add(T row, long evictionMs)
    {
        if (_pending.Remaining > 0 && evictionMs < _pending.LastMs)
        {
            _pendingSorted = false;
        }
        _pending.Append(evictionMs, row);
        Count++;
    }

    /// <summary>Moves the rows whose eviction time is at or below <paramref name="thresholdMs"/> to <paramref name="due"/>.</summary>
    public void TakeDue(long thresholdMs, List<T> due)
    {
        Seal();
        var emptied = false;
        foreach (var run in _runs)
        {
            var before = due.Count;
            run.TakeDue(thresholdMs, due);
            Count -= due.Count - before;
            emptied |= run.Remaining == 0;
        }
        if (emptied)
        {
            _runs.RemoveAll(static r => r.Remaining == 0);
        }
    }

    /// <summary>Makes the pending rows a sorted run and merges runs that have become too alike in size.</summary>
    private void Seal()
    {
        if (_pending.Remaining == 0)
        {
            return;
        }
        var run = _pending;
        if (!_pendingSorted)
        {
            run.Sort();
        }
        _pending = new Run(Math.Min(1024, Math.Max(4, run.Remaining)));
        _pendingSorted = true;
        _runs.Add(run);
        while (_runs.Count > 1 && _runs[^2].Remaining <= 2 * _runs[^1].Remaining)
        {
            var merged = Run.Merge(_runs[^2], _runs[^1]);
            _runs.RemoveAt(_runs.Count - 1);
            _runs[^1] = merged;
        }
    }

    /// <summary>Rows and their eviction times in parallel arrays, sorted by time once sealed; taken from the front.</summary>
    private sealed class Run(int capacity)
    {
        private long[] _ms = new long[capacity];
        private T?[] _rows = new T?[capacity];
        private int _count;
        private int _head;

        public int Remaining => _count - _head;

        public long LastMs => _ms[_count - 1];

        public void Append(long ms, T row)
        {
            if (_count == _ms.Length)
            {
                Array.Resize(ref _ms, _count * 2);
                Array.Resize(ref _rows, _count * 2);
            }
            _ms[_count] = ms;
            _rows[_count++] = row;
        }

        /// <summary>Sorts the rows not taken by time (for a run not yet taken from, so all of them).</summary>
        public void Sort() => Array.Sort(_ms, _rows, _head, Remaining);

        public void TakeDue(long thresholdMs, List<T> due)
        {
            while (_head < _count && _ms[_head] <= thresholdMs)
            {
                due.Add(_rows[_head]!);
                // Taken rows are garbage once evicted: the run must not keep them alive until it empties.
                _rows[_head++] = null;
            }
        }

        public static Run Merge(Run a, Run b)
        {
            var merged = new Run(Math.Max(4, a.Remaining + b.Remaining));
            int i = a._head, j = b._head;
            while (i < a._count && j < b._count)
            {
                if (b._ms[j] < a._ms[i])
                {
                    merged.Append(b._ms[j], b._rows[j++]!);
                }
                else
                {
                    merged.Append(a._ms[i], a._rows[i++]!);
                }
            }
            for (; i < a._count; i++)
            {
                merged.Append(a._ms[i], a._rows[i]!);
            }
            for (; j < b._count; j++)
            {
                merged.Append(b._ms[j], b._rows[j]!);
            }
            return merged;
        }
    }
}
