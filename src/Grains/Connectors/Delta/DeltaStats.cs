using System.Globalization;
using System.Text.Json;
using Sluice.Data;

namespace Sluice.Connectors.Delta;

/// <summary>An add action's <c>stats</c>: numRecords, and per top-level column minValues, maxValues and nullCount (Delta's data skipping).</summary>
internal static class DeltaStats
{
    public static string Of(StreamSchema schema, IReadOnlyList<object?[]> rows)
    {
        var min = new Dictionary<string, object>();
        var max = new Dictionary<string, object>();
        var nulls = new Dictionary<string, long>();
        for (var c = 0; c < schema.Count; c++)
        {
            var column = schema[c];
            if (column.Type.Kind == DataTypeKind.Struct)
            {
                continue;
            }
            nulls[column.Name] = rows.Count(r => r[c] is null);
            if (column.Type.Kind is DataTypeKind.Binary or DataTypeKind.Boolean)
            {
                continue;
            }
            var values = rows.Select(r => r[c]).Where(v => v is not null).Cast<IComparable>().ToList();
            if (values.Count > 0)
            {
                min[column.Name] = Json(values.Min()!);
                max[column.Name] = Json(values.Max()!);
            }
        }
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["numRecords"] = rows.Count,
            ["minValues"] = min,
            ["maxValues"] = max,
            ["nullCount"] = nulls,
        });
    }

    private static object Json(object value) => value switch
    {
        DateTime t => DateTime.SpecifyKind(t, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        _ => value,
    };
}
