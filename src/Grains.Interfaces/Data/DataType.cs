namespace Sluice.Data;

/// <summary>
/// A Spark SQL data type. Values at run time are CLR objects chosen per kind:
/// string, int, long, double, bool, <see cref="DateTime"/> (UTC) for timestamp, byte[] for binary,
/// <see cref="StructValue"/> for struct and object?[] for array; null is SQL NULL.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("sluice.DataType")]
public sealed record DataType
{
    [Id(0)] public DataTypeKind Kind { get; init; }

    /// <summary>Fields of a struct type; empty for other kinds.</summary>
    [Id(1)] public IReadOnlyList<Column> Fields { get; init; } = [];

    /// <summary>Element type of an array type; null for other kinds.</summary>
    [Id(2)] public DataType? Element { get; init; }

    private DataType(DataTypeKind kind) => Kind = kind;

    public static readonly DataType Null = new(DataTypeKind.Null);
    public static readonly DataType String = new(DataTypeKind.String);
    public static readonly DataType Int = new(DataTypeKind.Int);
    public static readonly DataType Long = new(DataTypeKind.Long);
    public static readonly DataType Double = new(DataTypeKind.Double);
    public static readonly DataType Boolean = new(DataTypeKind.Boolean);
    public static readonly DataType Timestamp = new(DataTypeKind.Timestamp);
    public static readonly DataType Binary = new(DataTypeKind.Binary);

    public static DataType Struct(IReadOnlyList<Column> fields) => new(DataTypeKind.Struct) { Fields = fields };

    public static DataType Array(DataType element) => new(DataTypeKind.Array) { Element = element };

    /// <summary>Spark's <c>window</c> struct: <c>{start: timestamp, end: timestamp}</c>.</summary>
    public static readonly DataType Window = Struct([new Column("start", Timestamp), new Column("end", Timestamp)]);

    public bool IsNumeric => Kind is DataTypeKind.Int or DataTypeKind.Long or DataTypeKind.Double;

    /// <summary>The names accepted in a spec's schema, as Spark's DDL spells them.</summary>
    public static bool TryParse(string name, out DataType type)
    {
        type = name.Trim().ToLowerInvariant() switch
        {
            "string" or "varchar" => String,
            "int" or "integer" => Int,
            "long" or "bigint" => Long,
            "double" or "float" => Double,
            "boolean" or "bool" => Boolean,
            "timestamp" => Timestamp,
            "binary" => Binary,
            _ => Null,
        };
        return type.Kind != DataTypeKind.Null;
    }

    public const string ValidNames = "string, int, long, double, boolean, timestamp, binary";

    /// <summary>For a Spark type Sluice does not have, what to use instead (with a leading "; "), else empty.</summary>
    public static string Instead(string name) => name.Trim().ToLowerInvariant() switch
    {
        "timestamp_ntz" or "timestamp_ltz" => "; Sluice has one timestamp type, in UTC (Spark's TIMESTAMP with the session time zone UTC, where TIMESTAMP_NTZ values read the same): use timestamp",
        "date" => "; Sluice has no DATE type: use timestamp, and date_trunc('DAY', t) for the day",
        "tinyint" or "smallint" or "byte" or "short" => "; use int",
        _ when name.Trim().StartsWith("decimal", StringComparison.OrdinalIgnoreCase) => "; Sluice has no DECIMAL type: use double, or long for a fixed number of decimal places",
        _ => "",
    };

    public bool Equals(DataType? other) =>
        other is not null && Kind == other.Kind && Equals(Element, other.Element) && Fields.SequenceEqual(other.Fields);

    public override int GetHashCode() => HashCode.Combine(Kind, Element, Fields.Count);

    /// <summary>Spark's simple type name: <c>string</c>, <c>bigint</c>, <c>struct&lt;start:timestamp,...&gt;</c>.</summary>
    public override string ToString() => Kind switch
    {
        DataTypeKind.Null => "void",
        DataTypeKind.Long => "bigint",
        DataTypeKind.Struct => $"struct<{string.Join(",", Fields.Select(f => $"{f.Name}:{f.Type}"))}>",
        DataTypeKind.Array => $"array<{Element}>",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}
