using System.Collections;

namespace Sluice.Sinks;

/// <summary>
/// The writers' rows of a batch read as one list, in writer order, without copying them into one: a sink that reads
/// rows once (foreachBatch) never holds a close's millions of rows as objects at once.
/// </summary>
internal sealed class ConcatRows : IReadOnlyList<object?[]>
{
    private readonly List<IReadOnlyList<object?[]>> _parts;
    // _starts[i]: the index of part i's first row.
    private readonly int[] _starts;

    public ConcatRows(List<IReadOnlyList<object?[]>> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        _parts = parts;
        _starts = new int[parts.Count];
        var count = 0L;
        for (var i = 0; i < parts.Count; i++)
        {
            _starts[i] = (int)count;
            count += parts[i].Count;
        }
        Count = checked((int)count);
    }

    public int Count { get; }

    public object?[] this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var part = Array.BinarySearch(_starts, index);
            // Empty parts share their start with the next one: take the last part that starts at or before the index.
            part = part >= 0 ? LastStartingAt(part) : ~part - 1;
            return _parts[part][index - _starts[part]];
        }
    }

    public IEnumerator<object?[]> GetEnumerator() => _parts.SelectMany(p => p).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int LastStartingAt(int part)
    {
        while (part + 1 < _starts.Length && _starts[part + 1] == _starts[part])
        {
            part++;
        }
        return part;
    }
}
