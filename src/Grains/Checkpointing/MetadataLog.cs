namespace Sluice.Checkpointing;

/// <summary>
/// A log of one entry per batch id (Spark's HDFSMetadataLog): files <c>&lt;dir&gt;/0</c>, <c>&lt;dir&gt;/1</c>, ...,
/// each written once and atomically, first line <c>v1</c> then the entry's text, so <c>cat offsets/3</c> reads:
/// <code>
/// v1
/// {"batchWatermarkMs":0,"batchTimestampMs":1700000000000}
/// {"events":{"0":120,"1":118}}
/// </code>
/// </summary>
internal sealed class MetadataLog<T>(ICheckpointStore store, string directory, IEntryFormat<T> format)
    where T : class
{
    public const string Version = "v1";

    public string Directory { get; } = directory;

    /// <summary>Writes the entry of <paramref name="batchId"/>; false (and nothing written) when it already exists.</summary>
    public Task<bool> AddAsync(long batchId, T entry, CancellationToken cancellationToken = default) =>
        store.TryCreateAsync($"{Directory}/{batchId}", $"{Version}\n{format.Write(entry)}\n", cancellationToken);

    public async Task<T?> GetAsync(long batchId, CancellationToken cancellationToken = default)
    {
        var path = $"{Directory}/{batchId}";
        var text = await store.ReadAsync(path, cancellationToken);
        return text is null ? null : Parse(path, text);
    }

    public async Task<(long BatchId, T Entry)?> GetLatestAsync(CancellationToken cancellationToken = default)
    {
        var ids = await BatchIdsAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return null;
        }
        var latest = ids[^1];
        var entry = await GetAsync(latest, cancellationToken)
            ?? throw new CheckpointCorruptException($"{store.Location}/{Directory}/{latest}", "the file vanished while being read");
        return (latest, entry);
    }

    /// <summary>The batch ids present, ascending. A file whose name is not a batch id is corruption.</summary>
    public async Task<IReadOnlyList<long>> BatchIdsAsync(CancellationToken cancellationToken = default)
    {
        var ids = new List<long>();
        foreach (var name in await store.ListAsync(Directory, cancellationToken))
        {
            if (!long.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                throw new CheckpointCorruptException($"{store.Location}/{Directory}/{name}", "the name is not a batch id");
            }
            ids.Add(id);
        }
        ids.Sort();
        return ids;
    }

    /// <summary>Deletes entries below <paramref name="threshold"/> (Spark's purge: exclusive); returns how many.</summary>
    public async Task<int> PurgeAsync(long threshold, CancellationToken cancellationToken = default)
    {
        var deleted = 0;
        foreach (var id in await BatchIdsAsync(cancellationToken))
        {
            if (id >= threshold)
            {
                break;
            }
            await store.DeleteAsync($"{Directory}/{id}", cancellationToken);
            deleted++;
        }
        return deleted;
    }

    private T Parse(string path, string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var version = newline < 0 ? text : text[..newline];
        var where = $"{store.Location}/{path}";
        if (version.Trim() != Version)
        {
            throw new CheckpointCorruptException(where, version.Length == 0
                ? "the file is empty or truncated"
                : $"its first line is '{Truncate(version)}', not the log version '{Version}' (written by another version of Sluice, or damaged)");
        }
        try
        {
            return format.Read(text[(newline + 1)..]);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CheckpointCorruptException(where, e.Message);
        }
    }

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;
}

/// <summary>How one kind of log entry is written as text and read back (strictly: anything unexpected throws).</summary>
internal interface IEntryFormat<T>
{
    string Write(T entry);

    T Read(string text);
}
