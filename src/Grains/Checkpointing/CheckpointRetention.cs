using System.Globalization;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Checkpointing;

/// <summary>
/// What a checkpoint keeps (Spark's <c>minBatchesToRetain</c>, the query option of that name, default 100). Once batch N
/// is committed, <c>offsets/</c> and <c>commits/</c> keep batches N - retain + 1 .. N (plus the pending offsets entry of
/// N + 1), state keeps every version from N - retain on restorable (see <c>StateCheckpointFiles.PurgeAsync</c>), and
/// older files are deleted. Nothing the next recovery reads is ever purged: <c>metadata</c>, <c>sources/</c>,
/// <c>state/_layout</c>, the latest commit and its offsets, a pending offsets entry, and the state of N - 1 (the version
/// a replay of N starts from). A file sink keeps its own compacted log in its output folder.
/// <para>
/// The purge runs after each commit, off the batch's path (on the thread pool), one at a time: a commit that comes while
/// the previous purge still runs leaves its share to the next one, which covers it. A failed purge only leaves files
/// behind for a later one, so it never fails the query.
/// </para>
/// </summary>
internal sealed class CheckpointRetention(Checkpoint checkpoint, int minBatchesToRetain)
{
    /// <summary>The query option.</summary>
    public const string Option = "minBatchesToRetain";

    public const int DefaultMinBatchesToRetain = 100;

    private Task _purge = Task.CompletedTask;
    private long _purgedBelow;

    public int MinBatchesToRetain { get; } = minBatchesToRetain;

    /// <summary>Raised (on a thread-pool thread) when a purge failed; the files stay for a later purge.</summary>
    public Action<Exception>? PurgeFailed { get; set; }

    /// <summary>The query's <c>minBatchesToRetain</c> option, or the default; anything but a whole number of at least 1 is refused.</summary>
    public static int MinBatchesToRetainOf(QuerySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Options.TryGetValue(Option, out var text))
        {
            return DefaultMinBatchesToRetain;
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? n
            : throw new QueryStartException(new SpecException($"$.options.{Option}",
                $"expected a whole number of batches of at least 1 (default {DefaultMinBatchesToRetain}), found '{text}'. " +
                "The checkpoint keeps that many of the latest batches; a replay needs at least the last one").Message);
    }

    /// <summary>The oldest batch whose <c>offsets/</c> and <c>commits/</c> entries stay once <paramref name="committed"/> is committed.</summary>
    public static long OldestRetained(long committed, int minBatchesToRetain) => Math.Max(0, committed + 1 - minBatchesToRetain);

    /// <summary>
    /// Deletes the log entries below <see cref="OldestRetained"/> of <paramref name="committed"/>; returns how many.
    /// The newest commit and every offsets entry from it on stay, whatever <paramref name="minBatchesToRetain"/> is.
    /// </summary>
    public static async Task<int> PurgeLogsAsync(Checkpoint checkpoint, long committed, int minBatchesToRetain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentOutOfRangeException.ThrowIfLessThan(minBatchesToRetain, 1);
        var threshold = OldestRetained(committed, minBatchesToRetain);
        // Either order leaves a recoverable checkpoint: recovery reads only the latest commit and the offsets from it on.
        return await checkpoint.Commits.PurgeAsync(threshold, cancellationToken) + await checkpoint.Offsets.PurgeAsync(threshold, cancellationToken);
    }

    /// <summary>After <c>commits/<paramref name="committed"/></c> is written: starts the purge of what fell out of the retained range.</summary>
    public void AfterCommit(long committed)
    {
        var threshold = OldestRetained(committed, MinBatchesToRetain);
        if (threshold <= _purgedBelow || !_purge.IsCompleted)
        {
            return;
        }
        _purge = Task.Run(() => PurgeAsync(committed, threshold));
    }

    /// <summary>Completes when no purge runs (never faults).</summary>
    public Task WhenIdleAsync() => _purge;

    /// <summary>
    /// When a run ends (it still holds the checkpoint): waits for the purge in flight, then catches up on a purge that
    /// was left to a commit that never came, so a stopped query's checkpoint holds exactly its retained batches.
    /// </summary>
    public async Task FinishAsync(long lastCommitted)
    {
        await _purge;
        if (OldestRetained(lastCommitted, MinBatchesToRetain) > _purgedBelow)
        {
            _purge = PurgeAsync(lastCommitted, OldestRetained(lastCommitted, MinBatchesToRetain));
            await _purge;
        }
    }

    private async Task PurgeAsync(long committed, long threshold)
    {
        try
        {
            await PurgeLogsAsync(checkpoint, committed, MinBatchesToRetain);
            _purgedBelow = threshold;
        }
        catch (Exception e)
        {
            PurgeFailed?.Invoke(e);
        }
    }
}
