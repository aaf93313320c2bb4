using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sluice.Data;

/// <summary>
/// The manifest of a parquet or json sink's output folder (Spark's FileStreamSinkLog). Batch N is committed
/// when <c>_sluice_sink/N</c> exists: written once, atomically, after the batch's data files, so
/// <c>cat _sluice_sink/3</c> reads:
/// <code>
/// v1
/// {"path":"part-00003-00000.parquet","size":2048,"rows":120}
/// {"path":"part-00003-00001.parquet","size":1990,"rows":117}
/// </code>
/// Every few batches <c>_sluice_sink/N.compact</c> (same format) lists every file committed up to N, after which
/// older entries are deleted; the log is the latest compact file plus the entries after it. A data file that no
/// entry lists (left by an attempt that failed before its entry) is not part of the output.
/// </summary>
public sealed class FileSinkManifest
{
    public const string DirectoryName = "_sluice_sink";
    public const string Version = "v1";
    private const string CompactSuffix = ".compact";
    private const int ReadAttempts = 5;

    private readonly HashSet<long> _entryIds;

    private FileSinkManifest(IReadOnlyList<DataFile> files, long latestCompactId, HashSet<long> entryIds)
    {
        Files = files;
        LatestCompactId = latestCompactId;
        _entryIds = entryIds;
    }

    /// <summary>A committed data file: its name in the output folder, its size in bytes and its row count.</summary>
    public sealed record DataFile(string Path, long Size, long Rows);

    /// <summary>The files of every committed batch, in batch order.</summary>
    public IReadOnlyList<DataFile> Files { get; }

    /// <summary>The batch of the latest compact file, or -1 when there is none.</summary>
    public long LatestCompactId { get; }

    /// <summary>The highest committed batch, or -1 when none is.</summary>
    public long LatestBatchId => _entryIds.Count == 0 ? LatestCompactId : Math.Max(LatestCompactId, _entryIds.Max());

    /// <summary>True when <paramref name="batchId"/> is committed in this log.</summary>
    public bool Contains(long batchId) => batchId <= LatestCompactId || _entryIds.Contains(batchId);

    public static string EntryPath(long batchId) => $"{DirectoryName}/{batchId.ToString(CultureInfo.InvariantCulture)}";

    public static string CompactPath(long batchId) => EntryPath(batchId) + CompactSuffix;

    /// <summary>Reads a log file name: <c>7</c> is batch 7's entry, <c>9.compact</c> the compact file of batches up to 9.</summary>
    public static bool TryParseName(string name, out long batchId, out bool compact)
    {
        compact = name.EndsWith(CompactSuffix, StringComparison.Ordinal);
        var digits = compact ? name[..^CompactSuffix.Length] : name;
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out batchId);
    }

    /// <summary>The text of an entry or compact file: the version line, then one JSON line per file.</summary>
    public static string Format(IEnumerable<DataFile> files)
    {
        var text = new System.Text.StringBuilder(Version).Append('\n');
        foreach (var file in files)
        {
            var line = new JsonObject { ["path"] = file.Path, ["size"] = file.Size, ["rows"] = file.Rows };
            text.Append(line.ToJsonString()).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Parses an entry or compact file; anything unexpected throws, naming <paramref name="file"/>.</summary>
    public static IReadOnlyList<DataFile> Parse(string text, string file)
    {
        var lines = text.Split('\n');
        if (lines[0].Trim() != Version)
        {
            throw Corrupt(file, lines[0].Length == 0 ? "it is empty or truncated" : $"its first line is not the manifest version '{Version}'");
        }
        return lines.Skip(1).Where(l => l.Trim().Length > 0).Select(line => ParseLine(line, file)).ToList();
    }

    private static DataFile ParseLine(string line, string file)
    {
        JsonObject? node;
        try
        {
            node = JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            node = null;
        }
        if (node?["path"] is not JsonValue p || !p.TryGetValue<string>(out var path)
            || node["size"] is not JsonValue s || !s.TryGetValue<long>(out var size)
            || node["rows"] is not JsonValue r || !r.TryGetValue<long>(out var rows))
        {
            throw Corrupt(file, $"the line '{line}' is not {{\"path\": name, \"size\": bytes, \"rows\": count}}");
        }
        if (path.Length == 0 || System.IO.Path.GetFileName(path) != path || path.StartsWith('.'))
        {
            throw Corrupt(file, $"'{path}' is not a data file name");
        }
        return new DataFile(path, size, rows);
    }

    /// <summary>True when batch <paramref name="batchId"/> is committed in <paramref name="folder"/> (its entry, or a compact file at or after it, exists).</summary>
    public static bool IsCommitted(string folder, long batchId)
    {
        var names = ListNames(folder);
        return names.Entries.Contains(batchId) || names.Compacts.Any(c => c >= batchId);
    }

    /// <summary>Reads the committed log of <paramref name="folder"/>; an absent log is empty.</summary>
    public static FileSinkManifest Read(string folder)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return ReadOnce(folder);
            }
            catch (FileNotFoundException) when (attempt < ReadAttempts)
            {
                // A compaction deleted an entry between the listing and the read; the newer compact file lists it.
            }
        }
    }

    private static FileSinkManifest ReadOnce(string folder)
    {
        var names = ListNames(folder);
        var compact = names.Compacts.Count == 0 ? -1 : names.Compacts.Max();
        var files = new List<DataFile>();
        if (compact >= 0)
        {
            files.AddRange(ReadFile(folder, CompactPath(compact)));
        }
        var later = names.Entries.Where(id => id > compact).Order().ToList();
        foreach (var id in later)
        {
            files.AddRange(ReadFile(folder, EntryPath(id)));
        }
        return new FileSinkManifest(files, compact, [.. later]);
    }

    private static IReadOnlyList<DataFile> ReadFile(string folder, string relative)
    {
        var path = System.IO.Path.Combine(folder, relative);
        return Parse(File.ReadAllText(path), path);
    }

    private static (HashSet<long> Entries, List<long> Compacts) ListNames(string folder)
    {
        var directory = System.IO.Path.Combine(folder, DirectoryName);
        var entries = new HashSet<long>();
        var compacts = new List<long>();
        if (!Directory.Exists(directory))
        {
            return (entries, compacts);
        }
        foreach (var name in Directory.EnumerateFiles(directory).Select(System.IO.Path.GetFileName).OfType<string>())
        {
            if (name.StartsWith('.'))
            {
                continue; // a write in progress (temp file)
            }
            if (!TryParseName(name, out var id, out var compact))
            {
                throw Corrupt(System.IO.Path.Combine(directory, name), "the name is neither a batch id nor '<batch id>.compact'");
            }
            (compact ? (ICollection<long>)compacts : entries).Add(id);
        }
        return (entries, compacts);
    }

    private static InvalidDataException Corrupt(string file, string problem) =>
        new($"File sink manifest '{file}' is unreadable: {problem}. The sink's committed output cannot be known without it: " +
            "restore the file, or write the query's output to a new folder.");
}
