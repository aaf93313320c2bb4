using System.Text.Json.Nodes;
using Sluice.Data;

namespace Sluice.Client;

/// <summary>
/// Reads the committed output of a <c>parquet</c> or <c>json</c> sink folder, as Spark's file source reads a file
/// sink's output: only the files its <c>_sluice_sink</c> manifest lists. Files a failed batch attempt left behind
/// are never returned, so a reader sees every committed row exactly once, even while the query writes.
/// </summary>
public static class FileSinkReader
{
    /// <summary>The full paths of the committed data files in <paramref name="path"/>, in batch order (empty when nothing is committed yet).</summary>
    /// <param name="path">The sink's output folder, as the silo resolved it (relative paths there are under its checkpoint root).</param>
    /// <exception cref="InvalidDataException">A manifest file is damaged.</exception>
    public static IReadOnlyList<string> CommittedFiles(string path)
    {
        var folder = Path.GetFullPath(path);
        return [.. FileSinkManifest.Read(folder).Files.Select(f => Path.Combine(folder, f.Path))];
    }

    /// <summary>
    /// The committed rows of <paramref name="path"/>, in batch order, as JSON objects keyed by column name: timestamps
    /// are ISO-8601 UTC strings, binary is base64 and a struct (such as <c>window</c>) a nested object, as in
    /// <see cref="RowJson"/>. Parquet files give every column (nulls included); json files give the lines as written.
    /// </summary>
    /// <param name="path">The sink's output folder.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="InvalidDataException">A manifest file or a json line is damaged.</exception>
    public static async Task<IReadOnlyList<JsonObject>> ReadRowsAsync(string path, CancellationToken cancellationToken = default)
    {
        var rows = new List<JsonObject>();
        foreach (var file in CommittedFiles(path))
        {
            rows.AddRange(Path.GetExtension(file) switch
            {
                ".parquet" => await ParquetRows.ReadAsync(file, cancellationToken),
                ".json" => await ReadJsonLinesAsync(file, cancellationToken),
                _ => throw new InvalidDataException($"'{file}' is listed by the sink's manifest but is neither .parquet nor .json."),
            });
        }
        return rows;
    }

    private static async Task<IReadOnlyList<JsonObject>> ReadJsonLinesAsync(string file, CancellationToken cancellationToken)
    {
        var rows = new List<JsonObject>();
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(file, cancellationToken))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }
            rows.Add(ParseLine(line) ?? throw new InvalidDataException($"Line {number} of '{file}' is not a JSON object."));
        }
        return rows;
    }

    private static JsonObject? ParseLine(string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
