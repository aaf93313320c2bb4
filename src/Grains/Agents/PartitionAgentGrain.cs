using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Sluice.Checkpointing.Blob;
using Sluice.Columnar;
using Sluice.Connectors;
using Sluice.Hosting;
using Orleans.Concurrency;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Expressions.Evaluation;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Sinks;
using Sluice.Sources;

namespace Sluice.Agents;

/// <summary>
/// Reads one source partition for one query: exactly the planned [start, end) per batch (manual assignment,
/// never a consumer-group rebalance), runs the stateless operators, and stages the batch's output at the sink
/// in one call. The reader (a Kafka consumer) and the compiled plan are kept across batches of a run.
/// </summary>
[GrainType("sluice.agent")]
internal sealed partial class PartitionAgentGrain(ConnectorRegistry connectors, IOptions<SluiceOptions> options, ILogger<PartitionAgentGrain> logger) : Grain, IPartitionAgentGrain
{
    private Guid _runId;
    private QueryPlan? _plan;
    private IPartitionReader? _reader;
    private ColumnBatch? _columns;

    public async Task<AgentBatchResult> ExecuteAsync(Immutable<AgentBatchRequest> immutableRequest)
    {
        var request = immutableRequest.Value;
        var id = PartitionAgentId.Parse(this.GetPrimaryKeyString());
        EnsureRun(request, id);
        if (_plan!.Streams[id.SourceIndex].SharedWith is { } primary)
        {
            // Only a coordinator of a build before shared sub-plans runs agents for a stream this build reads as another's
            // (Planning.SharedPrefix): with no stage of its own here, its raw rows would go to the sink.
            throw new BatchAttemptLostException(
                $"stream {id.SourceIndex} of query '{request.Spec.Name}' shares stream {primary}'s reads on this silo's build, but its coordinator runs a build " +
                "before shared sub-plans and asked this agent to read it: the batch is not committed; it re-runs from the checkpoint once every silo runs one build.");
        }

        var context = new BatchContext(request.BatchId, request.WatermarkMs, request.BatchTimestampMs) { StreamIndex = id.SourceIndex };
        using var batchTime = BatchTime.Enter(request.BatchTimestampMs);
        var rows = new List<object?[]>();
        var late = new LateRowSet();
        int[] keyGroupsSent = [];
        var (read, columns) = await ReadAsync(request, id.SourceIndex, rows, context);
        if (_plan!.TargetOf(id.SourceIndex)?.Operator is { } stateful)
        {
            var router = new KeyGroupRouter(request.KeyGroups) { TakesPartials = true };
            if (columns is not null && stateful is IColumnarRoute { RoutesColumns: true } columnar)
            {
                columnar.Route(columns, context, router, late);
            }
            else
            {
                columns?.AppendRowsTo(rows);
                stateful.Route(rows, context, router, late);
            }
            await SendToKeyGroupsAsync(request, id, stateful.Index, router);
            router.Delivered();
            keyGroupsSent = [.. router.Groups.Keys];
            await StageLateRowsAsync(request, id, late);
        }
        else
        {
            columns?.AppendRowsTo(rows);
            if (rows.Count > 0)
            {
                var sink = connectors.SinkGrain(GrainFactory, request.Spec.Sink, request.Spec.Name, id.QueryId);
                await sink.StageAsync(request.BatchId, id.ToString(), new Immutable<RowBatch>(new RowBatch(_plan.OutputSchema, rows)));
            }
        }
        var output = columns?.SelectedCount ?? rows.Count;
        LogBatch(logger, request.Spec.Name, request.BatchId, id.Partition, read.RecordsRead, output);
        return new AgentBatchResult
        {
            RecordsRead = read.RecordsRead,
            Malformed = read.Malformed,
            DroppedMalformed = read.Dropped,
            RowsOutput = output,
            EventTime = context.EventTime,
            DroppedByWatermark = late.Dropped,
            KeyGroupsSent = keyGroupsSent,
        };
    }

    /// <summary>
    /// Reads the batch's range and runs the stream's stateless prefix: on columns when the reader parses into columns
    /// and the prefix has kernels (the columnar batch is returned, <paramref name="rows"/> left empty), on rows
    /// otherwise (a columnar read the prefix cannot run on is turned into rows first).
    /// </summary>
    private async Task<(ReadResult Read, ColumnBatch? Columns)> ReadAsync(AgentBatchRequest request, int stream, List<object?[]> rows, BatchContext context)
    {
        if (_reader is IColumnarPartitionReader columnar)
        {
            var plan = _plan!.Streams[stream];
            _columns ??= new ColumnBatch(plan.SourceSchema, plan.ColumnsRead);
            _columns.Reset();
            var columnRead = await columnar.ReadColumnsAsync(request.Start, request.End, _columns, CancellationToken.None);
            if (_plan.TryApplyPrefix(stream, _columns, context) is { } output)
            {
                return (columnRead, output);
            }
            _columns.AppendRowsTo(rows);
            _plan.ApplyPrefix(stream, rows, context);
            return (columnRead, null);
        }
        rows.EnsureCapacity((int)Math.Min(request.End - request.Start, 1 << 16));
        var read = await _reader!.ReadAsync(request.Start, request.End, rows, CancellationToken.None);
        _plan!.ApplyPrefix(stream, rows, context);
        return (read, null);
    }

    /// <summary>
    /// One call per destination key group, in parallel. Payloads go as slices of the route's pooled buffers, which the
    /// caller hands back (<see cref="KeyGroupRouter.Delivered"/>) only once every call returned.
    /// </summary>
    private Task SendToKeyGroupsAsync(AgentBatchRequest request, PartitionAgentId id, int op, KeyGroupRouter router) =>
        Task.WhenAll(router.Groups.Select(g =>
        {
            var grain = GrainFactory.GetGrain<IWindowGrain>(new WindowGrainId(id.QueryId, op, g.Key).ToString());
            var call = new Immutable<WindowApplyRequest>(new WindowApplyRequest
            {
                Spec = request.Spec,
                RunId = request.RunId,
                BatchId = request.BatchId,
                CheckpointPath = request.CheckpointPath,
                Records = g.Value,
                PooledPartials = router.PartialsOf(g.Key) ?? default,
            });
            return call.Value.PooledPartials.IsEmpty ? grain.ApplyAsync(call) : grain.ApplyPooledPartialsAsync(call);
        }));

    /// <summary>Rows behind the watermark go to the late-rows sink when the query names one; otherwise they are only counted.</summary>
    private async Task StageLateRowsAsync(AgentBatchRequest request, PartitionAgentId id, LateRowSet late)
    {
        // The late-rows sink has the stateful operator's input schema: a join's right stream has another, so its late
        // rows are counted only.
        if (late.Rows.Count > 0 && _plan!.LateRowsFit(id.SourceIndex) && LateRows.SinkName(request.Spec) is { } name)
        {
            var sink = ConnectorRegistry.MemorySink(GrainFactory, name);
            await sink.StageAsync(request.BatchId, id.ToString(), new Immutable<RowBatch>(new RowBatch(_plan!.StatefulInputSchema, late.Rows)));
        }
    }

    public Task ReleaseAsync()
    {
        CloseReader();
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        CloseReader();
        return Task.CompletedTask;
    }

    private void EnsureRun(AgentBatchRequest request, PartitionAgentId id)
    {
        if (_plan is not null && _runId == request.RunId)
        {
            return;
        }
        CloseReader();
        _plan = QueryPlanner.Plan(request.Spec, connectors);
        var stream = _plan.Streams[id.SourceIndex];
        var checkpoint = CheckpointLocations.Open(request.CheckpointPath, options.Value.Blob, options.Value.S3);
        _reader = connectors.Source(stream.Source.Kind).CreateReader(
            new ReaderContext(stream.Source, request.Spec.Name, id.SourceIndex, id.Partition, stream.SourceSchema, request.ReaderContext, checkpoint, GrainFactory));
        _runId = request.RunId;
    }

    private void CloseReader()
    {
        _reader?.Dispose();
        _reader = null;
        _plan = null;
        _columns = null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Query {QueryName} batch {BatchId} partition {Partition}: read {Records} records, output {Rows} rows")]
    private static partial void LogBatch(ILogger logger, string queryName, long batchId, int partition, long records, int rows);
}
