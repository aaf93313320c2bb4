namespace Sluice.Data;

/// <summary>A struct value (for example a <c>window</c>); field names live in its <see cref="DataType"/>.</summary>
[GenerateSerializer, Immutable]
[Alias("sluice.StructValue")]
public sealed class StructValue(object?[] values) : IEquatable<StructValue>
{
    [Id(0)] public object?[] Values { get; } = values;

    public bool Equals(StructValue? other) =>
        other is not null && Values.Length == other.Values.Length && Values.SequenceEqual(other.Values);

    public override bool Equals(object? obj) => Equals(obj as StructValue);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in Values)
        {
            hash.Add(value);
        }
        return hash.ToHashCode();
    }

    public override string ToString() => "{" + string.Join(", ", Values) + "}";
}
