using System.Net;
using Sluice.Client;
using Sluice.Contracts;

namespace Sluice.IntegrationTests;

/// <summary>The Kubernetes probes' endpoints: readiness reports failed queries, liveness does not.</summary>
[Collection(SiloCollection.Name)]
public sealed class HealthEndpointTests(SiloFixture silo)
{
    [Fact]
    public async Task AFailedQuery_MakesReadinessAnswer503NamingIt_WhileLivenessStaysOk()
    {
        var topic = silo.CreateTopic(1);
        await silo.ProduceAsync(topic, [(0, "not json at all")]);
        var name = "h" + Guid.NewGuid().ToString("N")[..10];
        var query = await silo.Client.ReadStream().Kafka(topic).Schema(("id", "int")).Option("mode", "FAILFAST").StartingOffsets("earliest").Load()
            .WriteStream().Format("memory").Trigger(Trigger.Once()).StartAsync(name);
        await Assert.ThrowsAsync<StreamingQueryException>(() => query.AwaitTerminationAsync());
        using var anonymous = silo.Http(withKey: false);

        using var ready = await anonymous.GetAsync("/healthz");
        using var live = await anonymous.GetAsync("/healthz/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains(name, await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("ok", await live.Content.ReadAsStringAsync());
    }
}
