namespace Sluice.Data;

/// <summary>The ordered columns of a stream. Column lookup is case-insensitive, as in Spark.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.StreamSchema")]
public sealed class StreamSchema
{
    [Id(0)] public IReadOnlyList<Column> Columns { get; }

    public StreamSchema(IReadOnlyList<Column> columns) => Columns = columns;

    public static readonly StreamSchema Empty = new([]);

    public int Count => Columns.Count;

    public Column this[int index] => Columns[index];

    /// <summary>The index of a column by name (case-insensitive), or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }

    public string Describe() => string.Join(", ", Columns.Select(c => $"{c.Name}: {c.Type}"));

    public override string ToString() => $"[{Describe()}]";
}
