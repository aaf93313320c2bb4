using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Coordinator;

/// <summary>
/// Spark's WatermarkTracker: each stream with <c>withWatermark</c> has its own watermark (max event time seen minus its
/// delay, never moving back; 0 until the stream has seen data); the global watermark is the minimum (default) or
/// maximum over them, as Spark's <c>multipleWatermarkPolicy</c>, and never moves back either. Per-stream values are not
/// kept in the checkpoint (as in Spark): after a restart a stream counts as 0 until it sees data again, so under the min
/// policy the global watermark waits for every stream.
/// </summary>
internal sealed class WatermarkTracker(IReadOnlyList<long?> delaysMs, WatermarkPolicy policy, long globalMs)
{
    private readonly long?[] _streams = new long?[delaysMs.Count];

    public WatermarkPolicy Policy { get; } = policy;

    public long GlobalMs { get; private set; } = globalMs;

    /// <summary>Takes a batch's event-time figures of one stream into account.</summary>
    public void Observe(int stream, EventTimeStats stats)
    {
        if (delaysMs[stream] is { } delay && !stats.IsEmpty)
        {
            var candidate = stats.MaxMs - delay;
            _streams[stream] = Math.Max(_streams[stream] ?? long.MinValue, candidate);
        }
    }

    /// <summary>The global watermark after the observed batch: by the policy over the streams that declare one.</summary>
    public long Advance()
    {
        var known = _streams.Select((w, i) => delaysMs[i] is null ? (long?)null : w ?? 0).Where(w => w is not null).Select(w => w!.Value).ToList();
        if (known.Count > 0)
        {
            var chosen = Policy == WatermarkPolicy.Max ? known.Max() : known.Min();
            GlobalMs = Math.Max(GlobalMs, chosen);
        }
        return GlobalMs;
    }
}
