namespace Sluice.Contracts;

/// <summary>Min, max and mean event time of a batch's rows (Spark's <c>EventTimeStats</c>), mergeable across agents.</summary>
[GenerateSerializer]
[Alias("sluice.EventTimeStats")]
public sealed class EventTimeStats
{
    [Id(0)] public long MinMs { get; private set; } = long.MaxValue;
    [Id(1)] public long MaxMs { get; private set; } = long.MinValue;
    [Id(2)] public double SumMs { get; private set; }
    [Id(3)] public long Count { get; private set; }

    public bool IsEmpty => Count == 0;

    public double AvgMs => Count == 0 ? 0 : SumMs / Count;

    public void Add(long ms)
    {
        MinMs = Math.Min(MinMs, ms);
        MaxMs = Math.Max(MaxMs, ms);
        SumMs += ms;
        Count++;
    }

    public void Merge(EventTimeStats other)
    {
        if (other.IsEmpty)
        {
            return;
        }
        MinMs = Math.Min(MinMs, other.MinMs);
        MaxMs = Math.Max(MaxMs, other.MaxMs);
        SumMs += other.SumMs;
        Count += other.Count;
    }
}
