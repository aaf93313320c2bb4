using Sluice.Checkpointing;

namespace Sluice.Cli.Commands;

/// <summary>
/// Rolls a checkpoint back. After <c>--to-batch N</c> the query re-plans batch N+1 from N's end offsets and state
/// version N; sinks that remember batch ids (file and Kafka sinks) skip batch ids they already committed, so use
/// a reset when the batches after N never reached the sink, or point the sink somewhere new.
/// </summary>
internal static class CheckpointResetter
{
    public static async Task ResetAsync(string path, long? toBatch, bool all, bool confirmed, TextWriter output)
    {
        if (toBatch is null == !all)
        {
            throw new UsageException("give exactly one of --to-batch N or --all");
        }
        if (!confirmed)
        {
            throw new UsageException("a reset makes the query process input again; add --yes to confirm");
        }
        RequireCheckpoint(path);
        using (CheckpointLock.Acquire(path, "sluice checkpoint reset"))
        {
            if (all)
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(path).Where(e => !Path.GetFileName(e).StartsWith(".lock", StringComparison.Ordinal)))
                {
                    if (Directory.Exists(entry))
                    {
                        Directory.Delete(entry, recursive: true);
                    }
                    else
                    {
                        File.Delete(entry);
                    }
                }
                await output.WriteLineAsync($"Deleted checkpoint {path}: the query starts again from its startingOffsets.");
                return;
            }
            var keep = toBatch!.Value;
            var oldest = OldestId(Path.Combine(path, "commits"));
            if (oldest is { } retained && keep < retained)
            {
                throw new InvalidOperationException(
                    $"batch {keep} was purged: the checkpoint keeps its last batches from {retained} on (the query's minBatchesToRetain). " +
                    $"Reset to batch {retained} or later, or start over with --all.");
            }
            var removed = DeleteAbove(Path.Combine(path, "offsets"), keep) + DeleteAbove(Path.Combine(path, "commits"), keep);
            var stateFolder = Path.Combine(path, "state");
            if (Directory.Exists(stateFolder))
            {
                foreach (var group in Directory.EnumerateDirectories(stateFolder, "*", SearchOption.AllDirectories))
                {
                    removed += DeleteAbove(group, keep);
                }
            }
            await output.WriteLineAsync($"Rolled {path} back to batch {keep}: deleted {removed} files; the next batch is {keep + 1}.");
        }
    }

    /// <summary>The lowest batch id among the files named <c>N</c> in <paramref name="folder"/>, or null.</summary>
    private static long? OldestId(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Select(f => long.TryParse(Path.GetFileName(f), out var id) ? id : (long?)null).Min()
            : null;

    /// <summary>A folder without a <c>metadata</c> file is not a checkpoint: bad input, before anything is read or deleted.</summary>
    public static void RequireCheckpoint(string path)
    {
        if (!File.Exists(Path.Combine(path, "metadata")))
        {
            throw new UsageException(Directory.Exists(path)
                ? $"'{path}' is not a Sluice checkpoint (no metadata file)"
                : $"checkpoint folder '{path}' does not exist");
        }
    }

    /// <summary>Deletes files named <c>N</c> or <c>N.ext</c> with N above <paramref name="keep"/>.</summary>
    private static int DeleteAbove(string folder, long keep)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var name = Path.GetFileName(file);
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            if (long.TryParse(dot < 0 ? name : name[..dot], out var version) && version > keep)
            {
                File.Delete(file);
                removed++;
            }
        }
        return removed;
    }
}
