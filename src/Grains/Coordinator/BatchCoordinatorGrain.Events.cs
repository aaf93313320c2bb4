using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Sluice.Contracts;
using Sluice.Progress;

namespace Sluice.Coordinator;

/// <summary>Listener events (Spark's StreamingQueryListener) on the Orleans stream clients subscribe to.</summary>
internal sealed partial class BatchCoordinatorGrain
{
    private bool _idle;

    /// <summary>How many queued progress events make the loop wait for their sends: a stalled stream holds the batches, not memory.</summary>
    private const int MaxQueuedEvents = 64;

    /// <summary>The last listener event sent or queued: each is sent once the one before it was.</summary>
    private Task _published = Task.CompletedTask;

    private int _queuedEvents;

    private Task PublishStartedAsync() => PublishAsync(QueryEventKind.Started, null);

    /// <summary>
    /// Queues the batch's progress event and returns at once: the send (a round trip to the stream's queue) leaves the
    /// batch's path, so the next batch starts without it, as Spark's listener bus posts events without waiting for
    /// them. Events still go out one after the other, in order; every other event waits for the ones queued before it,
    /// so a listener never sees idle or terminated before the last batch's progress. Only when more than
    /// <see cref="MaxQueuedEvents"/> wait does the returned task wait for their sends.
    /// </summary>
    private Task PublishProgressAsync(QueryProgress progress)
    {
        metrics.Record(progress);
        _idle = false;
        var sent = PublishAsync(QueryEventKind.Progress, progress);
        return _queuedEvents > MaxQueuedEvents ? sent : Task.CompletedTask;
    }

    /// <summary>Once per idle spell: the loop looked for data and found none.</summary>
    private Task PublishIdleAsync()
    {
        if (_idle)
        {
            return Task.CompletedTask;
        }
        _idle = true;
        return PublishAsync(QueryEventKind.Idle, null);
    }

    private Task PublishTerminatedAsync() => PublishAsync(QueryEventKind.Terminated, null);

    /// <summary>Completes once the event and every one queued before it are sent.</summary>
    private Task PublishAsync(QueryEventKind kind, QueryProgress? progress)
    {
        // The event is made now: the query's state and the time are those of when it happened, not of its send.
        _queuedEvents++;
        _published = SendAfterAsync(_published, new QueryListenerEvent(kind, _info, progress, time.GetUtcNow()));
        return _published;
    }

    private async Task SendAfterAsync(Task previous, QueryListenerEvent e)
    {
        await previous;
        try
        {
            var stream = this.GetStreamProvider(QueryEvents.Provider)
                .GetStream<QueryListenerEvent>(StreamId.Create(QueryEvents.Namespace, QueryEvents.Key));
            await stream.OnNextAsync(e);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Listeners are best effort: a missing stream provider or a slow subscriber must not stop the query. Nothing
            // awaits a progress event's send on the batch's path any more, so none may fault the events queued after it.
            LogPublishFailed(logger, ex, _info.Name, e.Kind);
        }
        finally
        {
            _queuedEvents--;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query {QueryName}: committing offsets to the consumer group failed (lag tools may lag behind)")]
    private static partial void LogOffsetCommitFailed(ILogger logger, Exception exception, string queryName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query {QueryName} reads a {Kind} source, which cannot replay a batch: after a failure, a batch being processed is lost or partly lost (not exactly once). Use it for tests and demos.")]
    private static partial void LogNotReplayable(ILogger logger, string queryName, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query {QueryName}: purging old checkpoint files failed (they stay until a later purge)")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception, string queryName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query {QueryName}: publishing the {Kind} listener event failed")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string queryName, QueryEventKind kind);
}
