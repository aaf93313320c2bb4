using Sluice.Client;
using Sluice.Contracts;
using Sluice.Progress;

namespace Sluice.Cli.Commands;

/// <summary>What one poll of a followed query saw: its status, its recent batches (oldest first) and their alerts.</summary>
internal sealed record FollowSnapshot(QueryInfo Info, IReadOnlyList<QueryProgress> Recent, IReadOnlyList<QueryAlert> Alerts)
{
    /// <summary>The latest batch's progress; null before the first batch.</summary>
    public QueryProgress? Last => Recent.Count > 0 ? Recent[^1] : null;

    public static async Task<FollowSnapshot> TakeAsync(StreamingQuery query)
    {
        // Status before progress: once the status says the query has ended, the progress read after it holds every batch.
        var info = await query.StatusAsync();
        var recent = await query.RecentProgressAsync();
        return new FollowSnapshot(info, recent, QueryAlerts.Evaluate(info, recent));
    }
}
