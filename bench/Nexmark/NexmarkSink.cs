using Sluice.Data;
using Sluice.Processing;

namespace Sluice.Bench.Nexmark;

/// <summary>
/// The harness's sink: a foreachBatch handler (found by the silo's scan of loaded assemblies) that folds every output
/// row into the current run's <see cref="RowDigest"/> and keeps nothing else, so the output costs the engine no memory.
/// One query runs at a time; <see cref="Start"/> gives each its own digest.
/// </summary>
internal sealed class NexmarkSink : IForeachBatchHandler
{
    public const string HandlerName = "bench-nexmark";

    private static RowDigest s_current = new();

    public string Name => HandlerName;

    public static RowDigest Start() => s_current = new RowDigest();

    public Task HandleAsync(long batchId, StreamSchema schema, IReadOnlyList<object?[]> rows)
    {
        var digest = s_current;
        foreach (var row in rows)
        {
            digest.Add(row);
        }
        return Task.CompletedTask;
    }
}
