using System.Text;
using Sluice.Data;
using Sluice.Sources.Parsing;
using Sluice.Spec;

namespace Sluice.Operators.Join;

/// <summary>The rows of a <c>table</c> source: inline JSON rows, or JSON-lines files in a folder (or one file).</summary>
internal static class StaticTable
{
    public static List<object?[]> Load(SourceSpec source, StreamSchema schema)
    {
        var parser = new JsonRowParser(schema, ParseModes.Parse(source.Mode));
        var rows = new List<object?[]>();
        foreach (var (text, where) in Records(source))
        {
            var row = new object?[schema.Count];
            if (parser.Parse(Encoding.UTF8.GetBytes(text), row, where) != ParseOutcome.Dropped)
            {
                rows.Add(row);
            }
        }
        return rows;
    }

    private static IEnumerable<(string Text, string Where)> Records(SourceSpec source)
    {
        for (var i = 0; i < source.Rows.Count; i++)
        {
            yield return (source.Rows[i], $"table row {i}");
        }
        if (source.Path is not { } path)
        {
            yield break;
        }
        var files = File.Exists(path) ? [path]
            : Directory.Exists(path) ? Directory.EnumerateFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.') && !Path.GetFileName(f).StartsWith('_')).Order(StringComparer.Ordinal).ToList()
            : throw new FileNotFoundException($"the table source's path '{path}' is neither a file nor a folder");
        foreach (var file in files)
        {
            var line = 0;
            foreach (var text in File.ReadLines(file))
            {
                line++;
                if (text.Trim().Length > 0)
                {
                    yield return (text, $"{file} line {line}");
                }
            }
        }
    }
}
