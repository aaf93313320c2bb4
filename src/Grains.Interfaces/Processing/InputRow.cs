using Sluice.Data;

namespace Sluice.Processing;

/// <summary>One input row given to a processor, read by column name (case-insensitive).</summary>
public sealed class InputRow(StreamSchema schema, object?[] values)
{
    public StreamSchema Schema { get; } = schema;

    /// <summary>The raw values, laid out by <see cref="Schema"/>.</summary>
    public object?[] Values { get; } = values;

    public object? this[string column] => Values[Index(column)];

    public T Get<T>(string column) => (T)Values[Index(column)]!;

    private int Index(string column) =>
        Schema.IndexOf(column) is var i && i >= 0 ? i : throw new KeyNotFoundException($"no column '{column}' in {Schema}");
}
