using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;
using StackExchange.Redis;

namespace Sluice.Silo.Hosting;

/// <summary>
/// Cluster mode: silos find each other through Redis (membership table keyed by <c>Silo:ClusterId</c>), keep grain
/// state (the query registry, stream pub-sub) and reminders in Redis, and advertise <c>Silo:AdvertisedIp</c>. Memory
/// streams need nothing more: their queues are grains, so they already span the cluster.
/// </summary>
internal static class ClusterHosting
{
    /// <summary>The Orleans service id: state in Redis is keyed by it, so it stays fixed across deployments.</summary>
    public const string ServiceId = "sluice";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Must run after <c>AddSluice</c>, whose memory <c>PubSubStore</c> it replaces with Redis.</summary>
    public static ISiloBuilder UseSluiceCluster(this ISiloBuilder builder, SiloSettings silo, ConfigurationOptions redis)
    {
        builder.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = silo.ClusterId;
            o.ServiceId = ServiceId;
        });
        builder.ConfigureEndpoints(IPAddress.Parse(silo.AdvertisedIp), silo.SiloPort, silo.GatewayPort, listenOnAnyHostAddress: silo.ListenOnAnyAddress);
        // Each provider gets its own copy: StackExchange.Redis may change the options it connects with.
        builder.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
        builder.AddRedisGrainStorageAsDefault(o => o.ConfigurationOptions = redis.Clone());
        builder.Services.RemoveAllKeyed<IGrainStorage>(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME);
        builder.AddRedisGrainStorage(ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME, o => o.ConfigurationOptions = redis.Clone());
        builder.UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
        return builder;
    }

    /// <summary>
    /// Parses <c>Redis:ConnectionString</c> and checks that Redis answers, so a silo fails at start with the setting's
    /// name instead of later inside Orleans' membership protocol.
    /// </summary>
    public static ConfigurationOptions ConnectRedis(RedisSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                "Cluster mode (Silo:Mode=cluster) needs Redis:ConnectionString, e.g. --Redis:ConnectionString=127.0.0.1:6379 " +
                "(or the environment variable Redis__ConnectionString). deploy/local-cluster.sh starts a redis-server for you.");
        }
        ConfigurationOptions options;
        try
        {
            options = ConfigurationOptions.Parse(settings.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"Redis:ConnectionString cannot be parsed: {e.Message}. Use host:port[,password=...].", e);
        }
        var probe = options.Clone();
        probe.AbortOnConnectFail = true;
        probe.ConnectRetry = 1;
        probe.ConnectTimeout = (int)ProbeTimeout.TotalMilliseconds;
        try
        {
            using var connection = ConnectionMultiplexer.Connect(probe);
            connection.GetDatabase().Ping();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"Redis:ConnectionString '{options.ToString(includePassword: false)}' cannot be reached: {e.Message} " +
                "Start Redis there (redis-server --port PORT) or point the setting at a running one.", e);
        }
        return options;
    }
}
