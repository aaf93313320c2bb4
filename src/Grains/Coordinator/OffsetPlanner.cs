namespace Sluice.Coordinator;

/// <summary>
/// Decides each partition's end offset for the next batch: everything available, capped by a target
/// (<c>availableNow</c>) and by <c>maxOffsetsPerTrigger</c> spread over partitions in proportion to their
/// backlog, as Spark's Kafka source does.
/// </summary>
internal static class OffsetPlanner
{
    public static Dictionary<int, long> PlanEnd(
        IReadOnlyDictionary<int, long> start,
        IReadOnlyDictionary<int, long> latest,
        long? maxOffsetsPerTrigger,
        IReadOnlyDictionary<int, long>? target = null)
    {
        var until = new Dictionary<int, long>();
        foreach (var (partition, latestOffset) in latest)
        {
            var from = start.GetValueOrDefault(partition);
            var cap = target is not null && target.TryGetValue(partition, out var t) ? Math.Min(t, latestOffset) : latestOffset;
            until[partition] = Math.Max(from, cap);
        }
        foreach (var (partition, from) in start)
        {
            until.TryAdd(partition, from);
        }
        if (maxOffsetsPerTrigger is not { } limit)
        {
            return until;
        }
        var sizes = until.ToDictionary(p => p.Key, p => p.Value - start.GetValueOrDefault(p.Key));
        double total = sizes.Values.Sum();
        if (total <= limit)
        {
            return until;
        }
        var end = new Dictionary<int, long>();
        foreach (var (partition, size) in sizes)
        {
            var from = start.GetValueOrDefault(partition);
            var prorate = limit * (size / total);
            // Spark rounds a share below one up, so small partitions still progress, and larger shares down.
            var share = (long)(prorate < 1 ? Math.Ceiling(prorate) : Math.Floor(prorate));
            end[partition] = Math.Min(from + share, until[partition]);
        }
        return end;
    }

    public static bool HasNewData(IReadOnlyDictionary<int, long> start, IReadOnlyDictionary<int, long> end) =>
        end.Any(p => p.Value > start.GetValueOrDefault(p.Key));

    /// <summary>True when <paramref name="offsets"/> has reached <paramref name="target"/> on every partition.</summary>
    public static bool Reached(IReadOnlyDictionary<int, long> offsets, IReadOnlyDictionary<int, long> target) =>
        target.All(p => offsets.GetValueOrDefault(p.Key) >= p.Value);
}
