using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Sluice.Contracts;
using Sluice.Progress;

namespace Sluice.Silo.Http;

/// <summary>
/// The silo's HTTP API: <c>GET /api/queries</c>, <c>GET /api/queries/{name}</c> (status, last progress, alerts),
/// <c>GET /api/queries/{name}/progress</c> (recent progress, Spark's JSON), <c>GET /api/queries/{name}/alerts</c>,
/// <c>GET /api/queries/{name}/rows?limit=N</c> (a memory sink's latest rows, <see cref="SinkRowsApi"/>),
/// <c>POST /api/queries/{name}/stop</c>, <c>POST /api/queries/{name}/restart</c>. Every route needs an API key in a
/// header (<see cref="ApiKeyAuthenticationHandler"/>); the health endpoints are <c>Hosting.HealthEndpoints</c>.
/// </summary>
public static class QueryApi
{
    public static IEndpointRouteBuilder MapQueryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/queries").RequireAuthorization(Hosting.HttpAuthHosting.Policy);
        api.MapGet("/", async (IGrainFactory grains) => Json(await Manager(grains).ListAllAsync()));
        api.MapGet("/{name}", async (string name, IGrainFactory grains) =>
            await Find(grains, name) is not { } info ? NotFound(name) : Json(new
            {
                query = info,
                lastProgress = await Coordinator(grains, info).GetLastProgressAsync(),
                alerts = QueryAlerts.Evaluate(info, await Coordinator(grains, info).GetRecentProgressAsync()),
            }));
        api.MapGet("/{name}/progress", async (string name, IGrainFactory grains) =>
            await Find(grains, name) is not { } info ? NotFound(name) : Json(await Coordinator(grains, info).GetRecentProgressAsync()));
        api.MapGet("/{name}/alerts", async (string name, IGrainFactory grains) =>
            await Find(grains, name) is not { } info ? NotFound(name) : Json(QueryAlerts.Evaluate(info, await Coordinator(grains, info).GetRecentProgressAsync())));
        api.MapSinkRows();
        api.MapPost("/{name}/stop", async (string name, IGrainFactory grains) =>
        {
            if (await Find(grains, name) is null)
            {
                return NotFound(name);
            }
            await Manager(grains).StopAsync(name);
            return Results.NoContent();
        });
        api.MapPost("/{name}/restart", async (string name, IGrainFactory grains) =>
        {
            try
            {
                return Json(await Manager(grains).RestartAsync(name));
            }
            catch (KeyNotFoundException)
            {
                return NotFound(name);
            }
            catch (QueryStartException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "The query cannot start");
            }
        });
        return app;
    }

    private static IQueryManagerGrain Manager(IGrainFactory grains) => grains.GetGrain<IQueryManagerGrain>(0);

    private static IBatchCoordinatorGrain Coordinator(IGrainFactory grains, QueryInfo info) => grains.GetGrain<IBatchCoordinatorGrain>(info.Id);

    private static Task<QueryInfo?> Find(IGrainFactory grains, string name) => Manager(grains).FindAsync(name);

    private static IResult NotFound(string name) =>
        Results.Problem($"No query named '{name}'. GET /api/queries lists them.", statusCode: StatusCodes.Status404NotFound, title: "Unknown query");

    private static IResult Json(object? value) => Results.Json(value, ProgressJson.Options);
}
