using System.Text.Json.Nodes;
using Parquet.Serialization;
using Sluice.Data;

namespace Sluice.Tests.Sinks.Files;

/// <summary>A temporary sink output folder, and what a reader of its committed output sees.</summary>
public sealed class SinkFolder : IDisposable
{
    public static readonly StreamSchema Schema = new([new Column("id", DataType.Long), new Column("name", DataType.String)]);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sluice-file-sink-" + Guid.NewGuid().ToString("N"));

    public string LogPath => System.IO.Path.Combine(Path, FileSinkManifest.DirectoryName);

    public static RowBatch Rows(params long[] ids) => new(Schema, [.. ids.Select(id => new object?[] { id, $"row {id}" })]);

    /// <summary>The data files in the folder, committed or not (temp files excluded).</summary>
    public IReadOnlyList<string> DataFiles() =>
        Directory.Exists(Path) ? [.. Directory.EnumerateFiles(Path).Select(System.IO.Path.GetFileName).OfType<string>().Where(n => n.StartsWith("part-", StringComparison.Ordinal)).Order(StringComparer.Ordinal)] : [];

    public IReadOnlyList<string> LogNames() =>
        Directory.Exists(LogPath) ? [.. Directory.EnumerateFiles(LogPath).Select(System.IO.Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)] : [];

    public IReadOnlyList<string> CommittedFiles() => [.. FileSinkManifest.Read(Path).Files.Select(f => f.Path)];

    /// <summary>The <c>id</c> column of every committed row, in batch order, read with Parquet.Net or as JSON lines.</summary>
    public async Task<IReadOnlyList<long>> CommittedIdsAsync()
    {
        var ids = new List<long>();
        foreach (var file in FileSinkManifest.Read(Path).Files)
        {
            var full = System.IO.Path.Combine(Path, file.Path);
            if (file.Path.EndsWith(".parquet", StringComparison.Ordinal))
            {
                await using var stream = File.OpenRead(full);
                var read = await ParquetSerializer.DeserializeUntypedAsync(stream);
                ids.AddRange(read.Data.Select(row => (long)row["id"]));
            }
            else
            {
                ids.AddRange((await File.ReadAllLinesAsync(full)).Select(line => JsonNode.Parse(line)!["id"]!.GetValue<long>()));
            }
        }
        return ids;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
