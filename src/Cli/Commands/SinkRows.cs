using System.Text.Json.Nodes;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Connectors.ConsoleSink;

namespace Sluice.Cli.Commands;

/// <summary>A memory sink's rows for <c>read</c> and <c>tail</c>: found by query name (or a late-rows sink's name), printed as Spark's <c>show</c> or JSON lines.</summary>
internal static class SinkRows
{
    /// <summary>The sink's contents; a query that writes elsewhere, or a name nothing wrote to, is an error that says so.</summary>
    public static async Task<MemorySinkContents> ReadAsync(SluiceClient client, string name)
    {
        var query = await client.Cluster.GetGrain<IQueryManagerGrain>(0).FindAsync(name);
        if (query is not null && !string.Equals(query.SinkKind, "memory", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Query '{name}' writes to a {query.SinkKind} sink; only memory sinks hold rows to read (.Format(\"memory\")).");
        }
        var contents = await client.ReadMemorySinkAsync(name);
        if (query is null && contents.LastBatchId < 0 && contents.Rows.Count == 0)
        {
            throw new KeyNotFoundException($"No query or memory sink named '{name}' (see 'sluice list').");
        }
        return contents;
    }

    /// <summary>Rows as Spark's <c>show</c> draws them (cells cut at 20 characters).</summary>
    public static string Table(StreamSchema schema, IReadOnlyList<object?[]> rows) => ConsoleTable.Format(schema, rows, Math.Max(rows.Count, 1));

    /// <summary>One JSON object per row (timestamps as ISO-8601 UTC), for <c>jq</c> and scripts.</summary>
    public static IEnumerable<string> JsonLines(StreamSchema schema, IEnumerable<object?[]> rows) =>
        rows.Select(r => RowJson.ToJson(schema, r).ToJsonString());

    /// <summary>The last <paramref name="limit"/> rows: the newest in an append sink, the result table's tail in complete mode.</summary>
    public static IReadOnlyList<object?[]> Last(MemorySinkContents contents, int limit) =>
        contents.Rows.Count <= limit ? contents.Rows : contents.Rows.Skip(contents.Rows.Count - limit).ToList();

    public static JsonObject ToJson(MemorySinkContents contents, object?[] row) => RowJson.ToJson(contents.Schema, row);
}
