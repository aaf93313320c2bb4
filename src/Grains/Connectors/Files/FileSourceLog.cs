using System.Globalization;
using System.Text.Json;
using Sluice.Checkpointing;
using Sluice.Storage;

namespace Sluice.Connectors.Files;

/// <summary>
/// The files a <c>files</c> source has taken, in the order its batches read them (Spark's FileStreamSourceLog). File
/// <c>k</c> is offset <c>k</c>: a batch reads the files of its offset range, so a replay reads exactly those files.
/// Entries <c>sources/&lt;i&gt;/files/&lt;n&gt;</c> are written once, each listing the files one listing found new:
/// <code>
/// v1
/// {"index":0,"path":"/data/in/a.json","size":120,"modifiedMs":1700000000000}
/// {"index":1,"path":"/data/in/b.json","size":98,"modifiedMs":1700000001000}
/// </code>
/// </summary>
internal sealed class FileSourceLog(ICheckpointStore store, int sourceIndex)
{
    private readonly MetadataLog<IReadOnlyList<FileEntry>> _log = new(store, $"sources/{sourceIndex}/files", Format.Instance);

    /// <summary>Every file taken so far, by index.</summary>
    public async Task<List<FileEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var files = new List<FileEntry>();
        foreach (var id in await _log.BatchIdsAsync(cancellationToken))
        {
            files.AddRange(await _log.GetAsync(id, cancellationToken) ?? []);
        }
        files.Sort((a, b) => a.Index.CompareTo(b.Index));
        for (var i = 0; i < files.Count; i++)
        {
            if (files[i].Index != i)
            {
                throw new CheckpointCorruptException($"{store.Location}/{_log.Directory}", $"file index {i} is missing (found {files[i].Index})");
            }
        }
        return files;
    }

    /// <summary>Adds an entry; false when another writer added entry <paramref name="id"/> first.</summary>
    public Task<bool> AddAsync(long id, IReadOnlyList<FileEntry> files, CancellationToken cancellationToken) => _log.AddAsync(id, files, cancellationToken);

    public async Task<long> NextIdAsync(CancellationToken cancellationToken) =>
        (await _log.BatchIdsAsync(cancellationToken)) is { Count: > 0 } ids ? ids[^1] + 1 : 0;

    /// <summary>One file taken by the source.</summary>
    public sealed record FileEntry(long Index, string Path, long Size, long ModifiedMs)
    {
        public StoredFile File => new(Path, Size, ModifiedMs);
    }

    private sealed class Format : IEntryFormat<IReadOnlyList<FileEntry>>
    {
        public static readonly Format Instance = new();

        public string Write(IReadOnlyList<FileEntry> entry) => string.Join("\n", entry.Select(f => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["index"] = f.Index,
            ["path"] = f.Path,
            ["size"] = f.Size,
            ["modifiedMs"] = f.ModifiedMs,
        })));

        public IReadOnlyList<FileEntry> Read(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            var e = doc.RootElement;
            return new FileEntry(
                e.GetProperty("index").GetInt64(),
                e.GetProperty("path").GetString() ?? throw new FormatException("a file entry without a path"),
                e.GetProperty("size").GetInt64(),
                e.GetProperty("modifiedMs").GetInt64());
        }).ToList();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{store.Location}/{_log.Directory}");
}
