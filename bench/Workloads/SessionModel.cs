using Sluice.Connectors.Generator;
using Sluice.Progress;

namespace Sluice.Bench.Workloads;

/// <summary>
/// W3's expected rows under Spark's flatMapGroupsWithState semantics, replayed batch by batch over the batches the run
/// actually made (their offsets from its progress; event i is offset i / partitions of partition i % partitions, in
/// Kafka and in the generator source alike). The gap-cut sessions of <see cref="Aggregates.CutSessions"/> are what the
/// Sessionizer emits only while a session's timeout fires before the user's next events arrive; it does not when a
/// batch spans more event time than that allows: the watermark a batch uses is the previous batches' maximum event
/// time less the delay, a key with data in a batch gets its function called with that data (hasTimedOut false) and a
/// new timeout, and only keys without data time out (FlatMapGroupsWithStateExec: processNewData, then
/// processTimedOutState for timeouts before the watermark). So a user whose next events come in the batch where the
/// old session's timeout would first fire continues that session.
/// </summary>
internal static class SessionModel
{
    /// <summary>The delay of W3's <c>withWatermark("event_time", "30 seconds")</c>.</summary>
    private const long DelayMs = 30_000;

    private sealed class Open
    {
        public long StartMs;
        public long LastMs;
        public long Cents;
        public long TimeoutMs;
    }

    /// <summary>The sessions the Sessionizer emits on these batches, or null with <paramref name="why"/> when the progress lacks batches or offsets.</summary>
    public static List<Session>? Emitted(IReadOnlyList<QueryProgress> progress, out string why)
    {
        why = "";
        var batches = progress.OrderBy(p => p.BatchId).ToList();
        if (batches.Count == 0 || batches[0].BatchId != 0 || batches[^1].BatchId != batches.Count - 1 || batches.Any(b => b.Sources.Count != 1))
        {
            why = "the run's progress lacks batches (or has not one source), so W3's batches cannot be replayed";
            return null;
        }
        var open = new Dictionary<int, Open>();
        var emitted = new List<Session>();
        long maxEventMs = long.MinValue;
        var watermark = 0L;
        foreach (var batch in batches)
        {
            var source = batch.Sources[0];
            var end = source.EndOffset?.Values.SingleOrDefault();
            var start = source.StartOffset?.Values.SingleOrDefault();
            var partitions = end?.Count ?? 0;
            var withData = new HashSet<int>();
            var batchMax = long.MinValue;
            foreach (var (partition, endOffset) in end ?? new Dictionary<string, long>())
            {
                var p = int.Parse(partition, System.Globalization.CultureInfo.InvariantCulture);
                for (var offset = start?.GetValueOrDefault(partition) ?? 0; offset < endOffset; offset++)
                {
                    var e = ClickEventSequence.At((offset * partitions) + p);
                    batchMax = Math.Max(batchMax, e.TimeMs);
                    if (e.TimeMs < watermark)
                    {
                        continue; // late: Spark drops it before the function sees it
                    }
                    withData.Add(e.User);
                    if (!open.TryGetValue(e.User, out var s))
                    {
                        open[e.User] = s = new Open { StartMs = e.TimeMs, LastMs = e.TimeMs };
                    }
                    s.StartMs = Math.Min(s.StartMs, e.TimeMs);
                    s.LastMs = Math.Max(s.LastMs, e.TimeMs);
                    s.Cents += e.AmountCents;
                }
            }
            foreach (var user in withData)
            {
                var s = open[user];
                s.TimeoutMs = Math.Max(s.LastMs + Aggregates.SessionGapMs, watermark);
            }
            foreach (var (user, s) in open.Where(kv => !withData.Contains(kv.Key) && kv.Value.TimeoutMs < watermark).ToList())
            {
                emitted.Add(new Session(user, s.StartMs, s.LastMs + Aggregates.SessionGapMs, s.Cents));
                open.Remove(user);
            }
            maxEventMs = Math.Max(maxEventMs, batchMax);
            if (maxEventMs != long.MinValue)
            {
                watermark = Math.Max(watermark, maxEventMs - DelayMs);
            }
        }
        return emitted;
    }
}
