using System.Text.Json;
using Sluice.Data;

namespace Sluice.Connectors.Delta;

/// <summary>A schema as Delta's <c>schemaString</c>: Spark's StructType JSON, every field nullable.</summary>
internal static class DeltaSchema
{
    public static string ToJson(StreamSchema schema) => JsonSerializer.Serialize(Struct(schema.Columns));

    private static Dictionary<string, object> Struct(IEnumerable<Column> columns) => new()
    {
        ["type"] = "struct",
        ["fields"] = columns.Select(c => new Dictionary<string, object>
        {
            ["name"] = c.Name,
            ["type"] = TypeOf(c.Type),
            ["nullable"] = true,
            ["metadata"] = new Dictionary<string, object>(),
        }).ToList(),
    };

    private static object TypeOf(DataType type) => type.Kind switch
    {
        DataTypeKind.String => "string",
        DataTypeKind.Int => "integer",
        DataTypeKind.Long => "long",
        DataTypeKind.Double => "double",
        DataTypeKind.Boolean => "boolean",
        DataTypeKind.Timestamp => "timestamp",
        DataTypeKind.Binary => "binary",
        DataTypeKind.Struct => Struct(type.Fields),
        _ => throw new NotSupportedException($"Delta sink does not support {type} columns; cast or drop them."),
    };
}
