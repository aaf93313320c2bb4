using System.Collections;

namespace Sluice.Data;

/// <summary>
/// Rows held as columns: one <c>object?[]</c> per column of <see cref="Schema"/>, value i of each being row i's. Read as
/// a list of rows, each row is made when it is read (a new array each time, with the same values), so a consumer that
/// never reads rows (the memory sink until it is queried) never makes them. A stateful operator that holds its groups
/// typed (update mode's changed groups) fills the columns straight from them, instead of an <c>object?[]</c> per group.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("sluice.ColumnRows")]
public sealed class ColumnRows : IReadOnlyList<object?[]>
{
    public ColumnRows(StreamSchema schema, object?[][] columns, int count)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Any(c => c.Length < count))
        {
            throw new ArgumentException($"every column must hold the {count} rows", nameof(columns));
        }
        (Schema, Columns, Count) = (schema, columns, count);
    }

    [Id(0)] public StreamSchema Schema { get; }

    /// <summary>The values by column, then row (a column may be longer than <see cref="Count"/>; the rest is unused).</summary>
    [Id(1)] public object?[][] Columns { get; }

    [Id(2)] public int Count { get; }

    /// <summary>Row <paramref name="index"/>, made now: a new array each call.</summary>
    public object?[] this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var row = new object?[Columns.Length];
            for (var c = 0; c < row.Length; c++)
            {
                row[c] = Columns[c][index];
            }
            return row;
        }
    }

    /// <summary>Every row as an array of its own, in order.</summary>
    public List<object?[]> ToList()
    {
        var rows = new List<object?[]>(Count);
        for (var i = 0; i < Count; i++)
        {
            rows.Add(this[i]);
        }
        return rows;
    }

    public IEnumerator<object?[]> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
