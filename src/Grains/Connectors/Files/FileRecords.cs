using System.Text;
using Sluice.Data;
using Sluice.Sources;
using Sluice.Sources.Parsing;

namespace Sluice.Connectors.Files;

/// <summary>
/// Turns one data file into rows by its format: JSON lines, CSV lines, text lines (column <c>value</c>) or Parquet,
/// with the values of its <c>column=value</c> folders under the source folder (<see cref="PartitionValues"/>).
/// </summary>
internal sealed class FileRecords(string format, StreamSchema schema, ParseMode mode, FilesSourceSettings settings, string root)
{
    /// <summary>Spark's text source: one row per line, column <c>value</c>.</summary>
    public static readonly StreamSchema TextSchema = new([new Column("value", DataType.String)]);

    private readonly JsonRowParser? _parser = format is "json" or "csv" ? new JsonRowParser(schema, mode) : null;
    private readonly PartitionValues? _partitions = format == "text" ? null : new(root, schema);

    public async Task<ReadResult> ReadAsync(string path, byte[] data, List<object?[]> output, CancellationToken cancellationToken)
    {
        var first = output.Count;
        var result = await ReadRecordsAsync(path, data, output, cancellationToken);
        if (_partitions?.Of(path) is { Length: > 0 } values)
        {
            for (var i = first; i < output.Count; i++)
            {
                PartitionValues.Apply(values, output[i]);
            }
        }
        return result;
    }

    private async Task<ReadResult> ReadRecordsAsync(string path, byte[] data, List<object?[]> output, CancellationToken cancellationToken)
    {
        if (format == "parquet")
        {
            return new ReadResult(await ParquetRecords.ReadAsync(data, schema, output, cancellationToken), 0, 0);
        }
        long read = 0, malformed = 0, dropped = 0;
        var lineNumber = 0;
        foreach (var line in Lines(data))
        {
            lineNumber++;
            if (format == "text")
            {
                output.Add([line]);
                read++;
                continue;
            }
            if (line.Trim().Length == 0 || (format == "csv" && settings.Header && lineNumber == 1))
            {
                continue;
            }
            read++;
            var utf8 = format == "csv" ? CsvRecords.ToJson(line, schema, settings.Separator) : Encoding.UTF8.GetBytes(line);
            var row = new object?[schema.Count];
            var outcome = _parser!.Parse(utf8, row, (path, lineNumber), static p => $"file {p.path} line {p.lineNumber}");
            if (outcome != ParseOutcome.Dropped)
            {
                output.Add(row);
            }
            malformed += outcome == ParseOutcome.Ok ? 0 : 1;
            dropped += outcome == ParseOutcome.Dropped ? 1 : 0;
        }
        return new ReadResult(read, malformed, dropped);
    }

    private static IEnumerable<string> Lines(byte[] data)
    {
        using var reader = new StreamReader(new MemoryStream(data, writable: false), Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}
