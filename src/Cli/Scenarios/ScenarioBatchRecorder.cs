using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Sluice.Data;
using Sluice.Processing;

namespace Sluice.Cli.Scenarios;

/// <summary>
/// The scenarios' <c>foreachBatch</c> handler (<c>{"kind": "foreachBatch", "handler": "scenarioBatches"}</c>): keeps each
/// batch's rows by batch id, a second call for an id replacing the first (as Spark's ForeachBatchSinkSuite records
/// them), for the <c>checkBatches</c> step. Scenarios run one at a time, so one record serves the run.
/// </summary>
internal sealed class ScenarioBatchRecorder : IForeachBatchHandler
{
    public const string HandlerName = "scenarioBatches";

    private static readonly ConcurrentDictionary<long, IReadOnlyList<JsonObject>> Batches = new();

    public string Name => HandlerName;

    /// <summary>The rows of every batch the handler was called with, by batch id.</summary>
    public static IReadOnlyDictionary<long, IReadOnlyList<JsonObject>> Recorded => Batches;

    public static void Reset() => Batches.Clear();

    public Task HandleAsync(long batchId, StreamSchema schema, IReadOnlyList<object?[]> rows)
    {
        Batches[batchId] = rows.Select(row => RowJson.ToJson(schema, row)).ToList();
        return Task.CompletedTask;
    }
}
