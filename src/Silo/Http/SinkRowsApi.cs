using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Progress;

namespace Sluice.Silo.Http;

/// <summary>
/// <c>GET /api/queries/{name}/rows?limit=N</c>: the latest <c>N</c> rows (default 20, at most 1000) of a memory sink,
/// read by query name or by a late-rows sink's name, as
/// <c>{"name", "lastBatchId", "totalRows", "schema": [{"name", "type"}], "rows": [{...}]}</c> (timestamps as
/// ISO-8601 UTC). A query with another sink is a 409, an unknown name a 404. Behind the API key as the rest of the API.
/// </summary>
public static class SinkRowsApi
{
    public const int DefaultLimit = 20;

    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapSinkRows(this RouteGroupBuilder api)
    {
        api.MapGet("/{name}/rows", async (string name, int? limit, IGrainFactory grains) =>
        {
            var take = limit ?? DefaultLimit;
            if (take is < 1 or > MaxLimit)
            {
                return Results.Problem($"limit must be between 1 and {MaxLimit}.", statusCode: StatusCodes.Status400BadRequest, title: "Bad limit");
            }
            var query = await grains.GetGrain<IQueryManagerGrain>(0).FindAsync(name);
            if (query is not null && !string.Equals(query.SinkKind, "memory", StringComparison.OrdinalIgnoreCase))
            {
                return Results.Problem($"Query '{name}' writes to a {query.SinkKind} sink; only memory sinks hold rows to read.",
                    statusCode: StatusCodes.Status409Conflict, title: "Not a memory sink");
            }
            var contents = await grains.GetGrain<IMemorySinkGrain>(SinkGrainId.Memory(name).ToString()).ReadAsync();
            if (query is null && contents.LastBatchId < 0 && contents.Rows.Count == 0)
            {
                return Results.Problem($"No query or memory sink named '{name}'. GET /api/queries lists them.",
                    statusCode: StatusCodes.Status404NotFound, title: "Unknown query");
            }
            var rows = contents.Rows.Skip(Math.Max(0, contents.Rows.Count - take));
            return Results.Json(new
            {
                name,
                lastBatchId = contents.LastBatchId,
                totalRows = contents.Rows.Count,
                schema = contents.Schema.Columns.Select(c => new { name = c.Name, type = c.Type.ToString() }),
                rows = rows.Select(r => RowJson.ToJson(contents.Schema, r)),
            }, ProgressJson.Options);
        });
        return api;
    }
}
