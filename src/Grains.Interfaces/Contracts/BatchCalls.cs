namespace Sluice.Contracts;

/// <summary>
/// How long a call of the batch protocol (an agent executing its range, a key group applying, finishing or committing, a
/// sink staging or committing) may take before Orleans gives up on it. Such a call does a batch's work, so it lasts as
/// long as the batch: a million-row batch or a window closing ten million groups takes minutes on a busy machine, far
/// beyond Orleans' 30 s default meant for control calls. Those methods carry <c>[ResponseTimeout(BatchCalls.ResponseTimeout)]</c>,
/// which overrides <c>SiloMessagingOptions.ResponseTimeout</c> for them alone, so a slow batch is a slow batch, not a
/// terminated query; a silo that dies still fails its calls at once (membership declares it dead). Only a call stuck
/// for this long fails the query, with an error that says which call and what to do (<see cref="StuckMessage"/>).
/// </summary>
public static class BatchCalls
{
    /// <summary>The response timeout of the batch protocol's calls (a <see cref="TimeSpan"/> string, as the attribute takes it).</summary>
    public const string ResponseTimeout = "01:00:00";

    public static TimeSpan Timeout { get; } = TimeSpan.Parse(ResponseTimeout, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The error of a batch whose protocol call did not answer within <see cref="Timeout"/>.</summary>
    public static string StuckMessage(string query, long batchId, string detail) =>
        $"Batch {batchId} of query '{query}' is stuck: a call of the batch protocol did not answer within {Timeout} ({detail}). " +
        "A batch is allowed to be slow; one this slow waits on something that does not finish (a sink or foreachBatch handler " +
        "that hangs, a stateful processor in an endless loop, a thread pool blocked: look for '.NET Thread Pool execution stalled' " +
        "in the silo's log). Fix that, then restart the query: the batch re-runs from the checkpoint. If the batch is only " +
        "very large, lower the source's maxOffsetsPerTrigger so each batch does less.";
}
