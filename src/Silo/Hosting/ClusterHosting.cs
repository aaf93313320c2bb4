using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;

namespace Sluice.Silo.Hosting;

/// <summary>
/// Cluster mode: silos find each other, keep grain state (the query registry, stream pub-sub) and reminders in one
/// store (<see cref="IClusterStore"/>: Redis or Azure Storage, <c>Silo:Provider</c>), and advertise
/// <c>Silo:AdvertisedIp</c>. Memory streams need nothing more: their queues are grains, so they already span the cluster.
/// </summary>
internal static class ClusterHosting
{
    /// <summary>The Orleans service id: stored state is keyed by it, so it stays fixed across deployments.</summary>
    public const string ServiceId = "sluice";

    /// <summary>
    /// Reads the provider's settings and checks that its store answers, so a silo fails at start with the setting's
    /// name instead of later inside Orleans' membership protocol.
    /// </summary>
    public static IClusterStore ConnectStore(SiloSettings silo, IConfiguration configuration) => silo.Provider switch
    {
        ClusterProvider.Azure => AzureClusterStore.Connect(configuration.GetSection("AzureStorage").Get<AzureStorageSettings>() ?? new AzureStorageSettings()),
        _ => RedisClusterStore.Connect(configuration.GetSection("Redis").Get<RedisSettings>() ?? new RedisSettings()),
    };

    /// <summary>
    /// Must run after <c>AddSluice</c>, whose memory <c>PubSubStore</c> it replaces. <paramref name="membership"/> is
    /// section <c>Silo:Membership</c>: Orleans' <see cref="ClusterMembershipOptions"/> over Sluice's defaults.
    /// </summary>
    public static ISiloBuilder UseSluiceCluster(this ISiloBuilder builder, SiloSettings silo, IClusterStore store, IConfiguration membership)
    {
        builder.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = silo.ClusterId;
            o.ServiceId = ServiceId;
        });
        builder.ConfigureEndpoints(IPAddress.Parse(silo.AdvertisedIp), silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: silo.ListenOnAnyAddress);
        builder.Services.RemoveAllKeyed<IGrainStorage>(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
        store.Use(builder, ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
        builder.Configure<ClusterMembershipOptions>(FailureDetection.ApplyDefaults);
        builder.Configure<ClusterMembershipOptions>(membership);
        if (silo.Kubernetes)
        {
            builder.UseKubernetesHosting();
        }
        return builder;
    }
}

/// <summary>Where a cluster keeps membership, grain state and reminders.</summary>
internal interface IClusterStore
{
    /// <summary>Registers clustering, the default grain storage, the grain storage named <paramref name="pubSubStore"/>, and reminders.</summary>
    void Use(ISiloBuilder builder, string pubSubStore);
}
