using Sluice.Checkpointing;

namespace Sluice.Cli.Commands;

/// <summary>Prints a checkpoint's contents in words.</summary>
internal static class CheckpointInspector
{
    public static async Task InspectAsync(string path, TextWriter output)
    {
        if (!File.Exists(Path.Combine(path, "metadata")))
        {
            throw new InvalidOperationException($"'{path}' is not a Sluice checkpoint (no metadata file)");
        }
        var checkpoint = new Checkpoint(new FolderCheckpointStore(path));
        var (metadata, _) = await checkpoint.LoadOrCreateMetadataAsync("", CheckpointMetadataFormat.DefaultKeyGroups);
        await output.WriteLineAsync($"checkpoint  {checkpoint.Store.Location}");
        await output.WriteLineAsync($"query       {metadata.QueryName} (id {metadata.Id}), format v{metadata.FormatVersion}, {metadata.KeyGroups} key groups");
        var offsets = await checkpoint.Offsets.BatchIdsAsync();
        var commits = await checkpoint.Commits.BatchIdsAsync();
        await output.WriteLineAsync($"batches     {offsets.Count} planned (offsets/), {commits.Count} committed (commits/)");
        if (offsets.Count > 0)
        {
            // The query purges what it no longer needs, keeping its last minBatchesToRetain batches (default 100).
            var oldest = Math.Min(offsets[0], commits.Count > 0 ? commits[0] : offsets[0]);
            await output.WriteLineAsync($"retained    batches {oldest}..{offsets[^1]}{(oldest > 0 ? $" (batches before {oldest} were purged)" : "")}");
        }
        if (commits.Count > 0)
        {
            var last = await checkpoint.Commits.GetLatestAsync();
            await output.WriteLineAsync($"committed   up to batch {last!.Value.BatchId}; next batch runs with watermark {Iso(last.Value.Entry.NextBatchWatermarkMs)}");
        }
        if (offsets.Count > 0 && (commits.Count == 0 || offsets[^1] > commits[^1]))
        {
            await output.WriteLineAsync($"pending     batch {offsets[^1]} has offsets but no commit: the next start re-runs it with exactly those offsets");
        }
        if (await checkpoint.Offsets.GetLatestAsync() is { } latest)
        {
            foreach (var source in latest.Entry.Sources)
            {
                await output.WriteLineAsync($"offsets     batch {latest.BatchId} ends at {source.Key}: {string.Join(", ", source.Partitions.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}");
            }
        }
        var layout = await checkpoint.Store.ReadAsync(StateLayout.File);
        await output.WriteLineAsync($"state       {(layout is null ? "(no layout recorded)" : layout.Split('\n')[1])}");
        var stateFolder = Path.Combine(path, "state");
        if (Directory.Exists(stateFolder))
        {
            foreach (var op in Directory.EnumerateDirectories(stateFolder).Order(StringComparer.Ordinal))
            {
                var files = Directory.EnumerateFiles(op, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
                var versions = files.Select(f => Path.GetFileNameWithoutExtension(f)).Where(n => long.TryParse(n, out _)).Select(long.Parse).ToList();
                await output.WriteLineAsync(
                    $"            operator {Path.GetFileName(op)}: {Directory.EnumerateDirectories(op).Count()} key groups, {files.Count} files, " +
                    $"{files.Sum(f => new FileInfo(f).Length) / 1024.0:0.#} KiB{(versions.Count > 0 ? $", versions {versions.Min()}..{versions.Max()}" : "")}");
            }
        }
    }

    private static string Iso(long ms) => Data.RowJson.FormatTimestamp(DateTime.UnixEpoch.AddMilliseconds(ms));
}
