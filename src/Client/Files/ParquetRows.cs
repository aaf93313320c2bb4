using System.Text.Json.Nodes;
using Parquet.Schema;
using Parquet.Serialization;
using Sluice.Data;

namespace Sluice.Client;

/// <summary>A parquet sink file's rows as JSON objects in the file's column order, in <see cref="RowJson"/>'s form.</summary>
internal static class ParquetRows
{
    public static async Task<IReadOnlyList<JsonObject>> ReadAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        var result = await ParquetSerializer.DeserializeUntypedAsync(stream, cancellationToken: cancellationToken);
        return [.. result.Data.Select(row => ToJson(result.Schema.Fields, row))];
    }

    private static JsonObject ToJson(IEnumerable<Field> fields, IDictionary<string, object> record)
    {
        var obj = new JsonObject();
        foreach (var field in fields)
        {
            // The untyped reader leaves a null value out of the record.
            var value = record.TryGetValue(field.Name, out var v) ? v : null;
            obj[field.Name] = field is StructField group && value is IDictionary<string, object> nested
                ? ToJson(group.Fields, nested)
                : RowJson.ValueToJson(DataType.Null, Normalize(value));
        }
        return obj;
    }

    private static object? Normalize(object? value) => value switch
    {
        ReadOnlyMemory<char> chars => chars.ToString(),
        ReadOnlyMemory<byte> bytes => bytes.ToArray(),
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        _ => value,
    };
}
