using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Sluice.Data;

namespace Sluice.Connectors.Files;

/// <summary>
/// One CSV line as a JSON object of the schema's columns (by position), so CSV shares the JSON parser's types and
/// malformed-record modes: a number column's text goes in as a number when it is one (otherwise as a string, which the
/// parser counts as malformed), an empty field is null, as Spark reads CSV. Quoted fields (<c>"a,b"</c>, <c>""</c>
/// for a quote) are supported; a quoted line break is not (Spark's <c>multiLine</c> default).
/// </summary>
internal static class CsvRecords
{
    public static byte[] ToJson(string line, StreamSchema schema, char separator)
    {
        var fields = Split(line, separator);
        var buffer = new ArrayBufferWriter<byte>(line.Length * 2 + 16);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            for (var i = 0; i < schema.Count && i < fields.Count; i++)
            {
                w.WritePropertyName(schema[i].Name);
                WriteField(w, schema[i], fields[i]);
            }
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One field's text as the JSON value the parser reads into <paramref name="column"/>'s type (empty: null).</summary>
    public static void WriteField(Utf8JsonWriter w, Column column, string text)
    {
        if (text.Length == 0)
        {
            w.WriteNullValue();
        }
        else if (column.Type.Kind is DataTypeKind.Int or DataTypeKind.Long or DataTypeKind.Double
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) && !text.Contains(',', StringComparison.Ordinal))
        {
            w.WriteRawValue(text.Trim());
        }
        else if (column.Type.Kind == DataTypeKind.Boolean && bool.TryParse(text.Trim(), out var b))
        {
            w.WriteBooleanValue(b);
        }
        else
        {
            w.WriteStringValue(text);
        }
    }

    public static List<string> Split(string line, char separator)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == separator)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }
        fields.Add(current.ToString());
        return fields;
    }
}
