using System.Buffers;
using System.Text.Json;
using Sluice.Data;
using Sluice.Sources.Parsing;

namespace Sluice.Connectors.Files;

/// <summary>
/// Spark's partition discovery for a files source: a folder named <c>column=value</c> between the source folder and a
/// file gives that schema column (matched case-insensitively) the folder's value in every row of the file, converted
/// to the column's type as a CSV field is; <c>__HIVE_DEFAULT_PARTITION__</c> is null, and a value that does not fit
/// the type is null too. The folder's value replaces the column's value in the records, as in Spark, which does not
/// read partition columns from the data. Other folders, and names the schema lacks, add nothing.
/// </summary>
internal sealed class PartitionValues
{
    private const string DefaultPartition = "__HIVE_DEFAULT_PARTITION__";

    private readonly string _root;
    private readonly StreamSchema _schema;
    private readonly JsonRowParser _parser;
    private readonly Dictionary<string, (int Index, object? Value)[]> _byFolder = new(StringComparer.Ordinal);

    public PartitionValues(string root, StreamSchema schema)
    {
        _root = (root.Contains("://", StringComparison.Ordinal) ? root : Path.GetFullPath(root)).TrimEnd('/', '\\');
        _schema = schema;
        _parser = new JsonRowParser(schema, ParseMode.Permissive);
    }

    /// <summary>The columns the folders of <paramref name="path"/> (a file under the root) set, with their values.</summary>
    public (int Index, object? Value)[] Of(string path)
    {
        var relative = path.Length > _root.Length + 1 && path.StartsWith(_root, StringComparison.Ordinal) && path[_root.Length] is '/' or '\\'
            ? path[(_root.Length + 1)..]
            : "";
        var slash = relative.LastIndexOfAny(['/', '\\']);
        var folder = slash < 0 ? "" : relative[..slash];
        if (!_byFolder.TryGetValue(folder, out var values))
        {
            values = Parse(folder);
            _byFolder[folder] = values;
        }
        return values;
    }

    /// <summary>Sets the folder's values in a row read from the file.</summary>
    public static void Apply((int Index, object? Value)[] values, object?[] row)
    {
        foreach (var (index, value) in values)
        {
            row[index] = value;
        }
    }

    private (int Index, object? Value)[] Parse(string folder)
    {
        var found = new Dictionary<int, string?>();
        foreach (var segment in folder.Split('/', '\\'))
        {
            var equals = segment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }
            var name = Uri.UnescapeDataString(segment[..equals]);
            var index = _schema.IndexOf(name);
            if (index >= 0)
            {
                var value = Uri.UnescapeDataString(segment[(equals + 1)..]);
                found[index] = value == DefaultPartition ? null : value;
            }
        }
        if (found.Count == 0)
        {
            return [];
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (index, text) in found)
            {
                w.WritePropertyName(_schema[index].Name);
                CsvRecords.WriteField(w, _schema[index], text ?? "");
            }
            w.WriteEndObject();
        }
        var row = new object?[_schema.Count];
        _parser.Parse(buffer.WrittenSpan, row, folder);
        return found.Keys.Select(i => (i, row[i])).ToArray();
    }
}
