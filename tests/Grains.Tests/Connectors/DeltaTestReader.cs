using System.Text.Json;
using Parquet.Serialization;

namespace Sluice.Tests.Connectors;

/// <summary>
/// A Delta reader that knows only the protocol's JSON log and Parquet: it replays <c>_delta_log/*.json</c> in version
/// order (add, remove), checks the protocol it needs (reader version 1), and reads the Parquet files still added.
/// </summary>
public static class DeltaTestReader
{
    public static async Task<List<Dictionary<string, object?>>> ReadAsync(string table)
    {
        var files = new List<string>();
        var versions = Directory.GetFiles(Path.Combine(table, "_delta_log"), "*.json").Order(StringComparer.Ordinal).ToList();
        Assert.Equal("00000000000000000000.json", Path.GetFileName(versions[0]));
        foreach (var version in versions)
        {
            foreach (var line in File.ReadAllLines(version).Where(l => l.Length > 0))
            {
                using var doc = JsonDocument.Parse(line);
                var action = doc.RootElement;
                if (action.TryGetProperty("protocol", out var protocol))
                {
                    Assert.True(protocol.GetProperty("minReaderVersion").GetInt32() <= 1, "a reader of protocol version 1 cannot read this table");
                }
                if (action.TryGetProperty("add", out var add))
                {
                    files.Add(add.GetProperty("path").GetString()!);
                }
                if (action.TryGetProperty("remove", out var remove))
                {
                    files.Remove(remove.GetProperty("path").GetString()!);
                }
            }
        }
        var rows = new List<Dictionary<string, object?>>();
        foreach (var file in files)
        {
            await using var stream = File.OpenRead(Path.Combine(table, file));
            var data = await ParquetSerializer.DeserializeUntypedAsync(stream);
            rows.AddRange(data.Data.Select(r => r.ToDictionary(p => p.Key, p => p.Value is ReadOnlyMemory<char> c ? c.ToString() : (object?)p.Value)));
        }
        return rows;
    }

    /// <summary>Every action of every version, for tests that look at the log itself.</summary>
    public static List<JsonElement> Actions(string table) =>
        Directory.GetFiles(Path.Combine(table, "_delta_log"), "*.json").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
}
