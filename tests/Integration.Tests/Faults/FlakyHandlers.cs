using System.Collections.Concurrent;
using Sluice.Data;
using Sluice.Processing;

namespace Sluice.IntegrationTests.Faults;

/// <summary>
/// A foreachBatch handler that appends each batch's ids (rows <c>(tag, id)</c>) to its store, kept per tag. On its
/// first call for a tag it appends half of the rows and throws, as a handler failing midway would.
/// </summary>
public sealed class FlakyAppendHandler : IForeachBatchHandler
{
    public const string HandlerName = "test-flaky-append";

    private static readonly ConcurrentDictionary<string, List<int>> Store = new();

    public string Name => HandlerName;

    public static List<int> Ids(string tag) => Store.TryGetValue(tag, out var ids) ? [.. ids] : [];

    public Task HandleAsync(long batchId, StreamSchema schema, IReadOnlyList<object?[]> rows)
    {
        var tag = (string)rows[0][0]!;
        var first = !Store.ContainsKey(tag);
        var ids = Store.GetOrAdd(tag, _ => []);
        var written = first ? rows.Count / 2 : rows.Count;
        ids.AddRange(rows.Take(written).Select(r => (int)r[1]!));
        return first ? throw new IOException($"{HandlerName}: failed after {written} of {rows.Count} rows") : Task.CompletedTask;
    }
}

/// <summary>
/// A foreachBatch handler idempotent by batch id, as Spark's guide asks: batch N's output replaces what an earlier
/// call for batch N wrote. On its first call for a tag it writes half of the rows and throws.
/// </summary>
public sealed class FlakyUpsertHandler : IForeachBatchHandler
{
    public const string HandlerName = "test-flaky-upsert";

    private static readonly ConcurrentDictionary<(string Tag, long BatchId), List<int>> Store = new();

    public string Name => HandlerName;

    public static List<int> Ids(string tag) => [.. Store.Where(e => e.Key.Tag == tag).SelectMany(e => e.Value)];

    public Task HandleAsync(long batchId, StreamSchema schema, IReadOnlyList<object?[]> rows)
    {
        var tag = (string)rows[0][0]!;
        var first = !Store.Keys.Any(k => k.Tag == tag);
        var written = first ? rows.Count / 2 : rows.Count;
        Store[(tag, batchId)] = [.. rows.Take(written).Select(r => (int)r[1]!)];
        return first ? throw new IOException($"{HandlerName}: failed after {written} of {rows.Count} rows") : Task.CompletedTask;
    }
}
