using System.Globalization;
using Parquet.Serialization;
using Sluice.Data;

namespace Sluice.Connectors.Files;

/// <summary>
/// Reads a Parquet file's rows into the schema's columns, matched by name (Spark's parquet source with a user schema):
/// a column the file lacks is null; a value is converted to the column's type.
/// </summary>
internal static class ParquetRecords
{
    public static async Task<long> ReadAsync(byte[] data, StreamSchema schema, List<object?[]> output, CancellationToken cancellationToken)
    {
        var result = await ParquetSerializer.DeserializeUntypedAsync(new MemoryStream(data, writable: false), cancellationToken: cancellationToken);
        foreach (var record in result.Data)
        {
            var row = new object?[schema.Count];
            for (var c = 0; c < schema.Count; c++)
            {
                // The untyped reader leaves a null value out of the record.
                row[c] = record.TryGetValue(schema[c].Name, out var value) ? Convert(schema[c].Type, value) : null;
            }
            output.Add(row);
        }
        return result.Data.Count;
    }

    private static object? Convert(DataType type, object? value) => value is null ? null : type.Kind switch
    {
        DataTypeKind.Int => System.Convert.ToInt32(value, CultureInfo.InvariantCulture),
        DataTypeKind.Long => System.Convert.ToInt64(value, CultureInfo.InvariantCulture),
        DataTypeKind.Double => System.Convert.ToDouble(value, CultureInfo.InvariantCulture),
        DataTypeKind.Boolean => System.Convert.ToBoolean(value, CultureInfo.InvariantCulture),
        DataTypeKind.String => value is ReadOnlyMemory<char> chars ? chars.ToString() : System.Convert.ToString(value, CultureInfo.InvariantCulture),
        DataTypeKind.Timestamp => value switch
        {
            DateTimeOffset o => o.UtcDateTime,
            DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
            _ => throw new FormatException($"cannot read a {value.GetType().Name} as a timestamp"),
        },
        DataTypeKind.Binary => value is ReadOnlyMemory<byte> m ? m.ToArray() : value,
        _ => throw new NotSupportedException($"the files source cannot read {type} columns from parquet"),
    };
}
