using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Sluice.Client;
using Sluice.Contracts;

namespace Sluice.ClusterTests;

/// <summary>
/// Orleans clients for a cluster-mode silo. A gateway accepts only clients of its own cluster id, which
/// <c>SluiceClient.ConnectAsync</c> does not take yet, so the tests build the client and wrap it.
/// </summary>
internal static class ClusterClients
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static async Task<(IHost Host, SluiceClient Client)> ConnectAsync(string clusterId, params IPEndPoint[] gateways)
    {
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .UseOrleansClient(client => client
                .UseStaticClustering(gateways)
                .Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = clusterId;
                    o.ServiceId = "sluice";
                })
                .AddMemoryStreams(QueryEvents.Provider))
            .Build();
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return (host, new SluiceClient(host.Services.GetRequiredService<IClusterClient>()));
    }
}
