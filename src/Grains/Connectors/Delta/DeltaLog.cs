using System.Globalization;
using System.Text.Json;

namespace Sluice.Connectors.Delta;

/// <summary>
/// What the sink needs of a table's transaction log (<c>_delta_log/NNNNNNNNNNNNNNNNNNNN.json</c>, one JSON action per
/// line): the latest version, the files currently in the table (adds not removed since), the schema, and each
/// streaming writer's last batch (its <c>txn</c> action: <c>appId</c> the query id, <c>version</c> the batch id).
/// </summary>
internal sealed class DeltaLog
{
    public const string Folder = "_delta_log";

    public long LatestVersion { get; private set; } = -1;

    public HashSet<string> Files { get; } = new(StringComparer.Ordinal);

    public string? SchemaString { get; private set; }

    public Dictionary<string, long> Transactions { get; } = new(StringComparer.Ordinal);

    public static string VersionFile(long version) => string.Create(CultureInfo.InvariantCulture, $"{version:D20}.json");

    public static DeltaLog Read(string table)
    {
        var log = new DeltaLog();
        var folder = Path.Combine(table, Folder);
        if (!Directory.Exists(folder))
        {
            return log;
        }
        var versions = Directory.EnumerateFiles(folder, "*.json")
            .Select(f => long.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1)
            .Where(v => v >= 0)
            .Order()
            .ToList();
        foreach (var version in versions)
        {
            if (version != log.LatestVersion + 1)
            {
                throw new InvalidDataException($"Delta table {table}: version {log.LatestVersion + 1} is missing from {Folder} (found {version}).");
            }
            foreach (var line in File.ReadLines(Path.Combine(folder, VersionFile(version))).Where(l => l.Trim().Length > 0))
            {
                log.Apply(line);
            }
            log.LatestVersion = version;
        }
        return log;
    }

    private void Apply(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var action = doc.RootElement;
        if (action.TryGetProperty("add", out var add))
        {
            Files.Add(add.GetProperty("path").GetString()!);
        }
        else if (action.TryGetProperty("remove", out var remove))
        {
            Files.Remove(remove.GetProperty("path").GetString()!);
        }
        else if (action.TryGetProperty("metaData", out var meta))
        {
            SchemaString = meta.GetProperty("schemaString").GetString();
        }
        else if (action.TryGetProperty("txn", out var txn))
        {
            Transactions[txn.GetProperty("appId").GetString()!] = txn.GetProperty("version").GetInt64();
        }
    }
}
