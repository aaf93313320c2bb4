using Sluice.Data;
using Sluice.Processing;

namespace Sluice.Bench.Nexmark;

/// <summary>
/// The harness's sink: a foreachBatch handler (found by the silo's scan of loaded assemblies) that folds every output
/// row into the current run's <see cref="RowDigest"/> and keeps nothing else, so the output costs the engine no memory.
/// One query runs at a time; <see cref="Start"/> gives each its own digest. An update-mode query's rows are kept
/// instead, the last per group (its leading key columns), and folded when it ends (<see cref="Finish"/>).
/// </summary>
internal sealed class NexmarkSink : IForeachBatchHandler
{
    public const string HandlerName = "bench-nexmark";

    private static RowDigest s_current = new();
    private static Dictionary<string, object?[]>? s_latest;
    private static int s_keys;

    public string Name => HandlerName;

    /// <summary>A new digest; with <paramref name="updateKeys"/> above 0, rows are kept last per key until <see cref="Finish"/>.</summary>
    public static RowDigest Start(int updateKeys = 0)
    {
        s_keys = updateKeys;
        s_latest = updateKeys > 0 ? [] : null;
        return s_current = new RowDigest();
    }

    /// <summary>Folds an update-mode query's last rows into the digest <see cref="Start"/> gave.</summary>
    public static void Finish()
    {
        foreach (var row in s_latest?.Values ?? Enumerable.Empty<object?[]>())
        {
            s_current.Add(row);
        }
        s_latest = null;
    }

    public Task HandleAsync(long batchId, StreamSchema schema, IReadOnlyList<object?[]> rows)
    {
        var digest = s_current;
        var latest = s_latest;
        foreach (var row in rows)
        {
            if (latest is null)
            {
                digest.Add(row);
                continue;
            }
            lock (latest)
            {
                latest[RowDigest.Canonical(row[..s_keys])] = (object?[])row.Clone();
            }
        }
        return Task.CompletedTask;
    }
}
