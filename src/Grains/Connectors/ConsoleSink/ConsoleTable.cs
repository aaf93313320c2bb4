using System.Globalization;
using System.Text;
using Sluice.Data;

namespace Sluice.Connectors.ConsoleSink;

/// <summary>Spark's <c>Dataset.show</c> layout: a boxed table, cells right-aligned and cut at 20 characters.</summary>
internal static class ConsoleTable
{
    private const int MaxCell = 20;

    public static string Format(StreamSchema schema, IReadOnlyList<object?[]> rows, int numRows)
    {
        var shown = rows.Take(numRows).Select(r => r.Select((v, i) => Cell(schema[i].Type, v)).ToArray()).ToList();
        var widths = schema.Columns.Select((c, i) => Math.Max(3, shown.Select(r => r[i].Length).Append(c.Name.Length).Max())).ToArray();
        var line = "+" + string.Join("+", widths.Select(w => new string('-', w))) + "+\n";
        var text = new StringBuilder(line);
        text.Append('|').AppendJoin('|', schema.Columns.Select((c, i) => c.Name.PadLeft(widths[i]))).Append("|\n").Append(line);
        foreach (var row in shown)
        {
            text.Append('|').AppendJoin('|', row.Select((v, i) => v.PadLeft(widths[i]))).Append("|\n");
        }
        text.Append(line);
        if (rows.Count > numRows)
        {
            text.Append(CultureInfo.InvariantCulture, $"only showing top {numRows} rows\n");
        }
        return text.ToString();
    }

    private static string Cell(DataType type, object? value)
    {
        var text = value switch
        {
            null => "null",
            DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
            double d => d.ToString(CultureInfo.InvariantCulture),
            _ => RowJson.ValueToJson(type, value)?.ToJsonString() is { } json && value is not string ? json : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
        return text.Length > MaxCell ? text[..(MaxCell - 3)] + "..." : text;
    }
}
