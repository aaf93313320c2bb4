using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orleans.Runtime;
using Sluice.Contracts;

namespace Sluice.Silo.Hosting;

/// <summary>
/// Health for Kubernetes probes, without a key (a probe cannot read one from a Secret), saying no more than a status:
/// <list type="bullet">
/// <item><c>GET /healthz</c> (readiness): 200 <c>ok</c> when this silo has joined the cluster, answers grain calls, and no
/// query has failed; otherwise 503 with the reason (the silo's status, or the failed queries' names). A failed query is
/// the cluster's, so it makes every silo unready until it is restarted: that holds a rolling update at the first new
/// pod instead of rolling a broken build through the cluster.</item>
/// <item><c>GET /healthz/live</c> (liveness): 200 while the silo is starting or in the cluster, 503 once the cluster
/// declared it dead or it is stopping. Failed queries do not count: restarting the pod would not repair them and would
/// move every healthy query it runs.</item>
/// </list>
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", async (IClusterMembershipService membership, ILocalSiloDetails silo, IGrainFactory grains) =>
        {
            var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
            if (status != SiloStatus.Active)
            {
                return Unhealthy($"silo not in the cluster: {status}");
            }
            var failed = (await grains.GetGrain<IQueryManagerGrain>(0).ListAllAsync()).Where(q => q.State == QueryState.Failed).Select(q => q.Name).ToList();
            return failed.Count == 0
                ? Results.Text("ok")
                : Unhealthy($"failed queries: {string.Join(", ", failed)} (restart them: POST /api/queries/NAME/restart)");
        }).AllowAnonymous();
        app.MapGet("/healthz/live", (IClusterMembershipService membership, ILocalSiloDetails silo) =>
            membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) is var status && status.IsTerminating()
                ? Unhealthy($"silo {status}")
                : Results.Text("ok")).AllowAnonymous();
        return app;
    }

    private static IResult Unhealthy(string reason) => Results.Text(reason, statusCode: StatusCodes.Status503ServiceUnavailable);
}
