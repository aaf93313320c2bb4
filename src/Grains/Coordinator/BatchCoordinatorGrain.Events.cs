using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Sluice.Contracts;
using Sluice.Progress;

namespace Sluice.Coordinator;

/// <summary>Listener events (Spark's StreamingQueryListener) on the Orleans stream clients subscribe to.</summary>
internal sealed partial class BatchCoordinatorGrain
{
    private bool _idle;

    private Task PublishStartedAsync() => PublishAsync(QueryEventKind.Started, null);

    private Task PublishProgressAsync(QueryProgress progress)
    {
        metrics.Record(progress);
        _idle = false;
        return PublishAsync(QueryEventKind.Progress, progress);
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

    private async Task PublishAsync(QueryEventKind kind, QueryProgress? progress)
    {
        try
        {
            var stream = this.GetStreamProvider(QueryEvents.Provider)
                .GetStream<QueryListenerEvent>(StreamId.Create(QueryEvents.Namespace, QueryEvents.Key));
            await stream.OnNextAsync(new QueryListenerEvent(kind, _info, progress, time.GetUtcNow()));
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or OrleansException or TimeoutException)
        {
            // Listeners are best effort: a missing stream provider or a slow subscriber must not stop the query.
            LogPublishFailed(logger, e, _info.Name, kind);
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
