using StackExchange.Redis;

namespace Sluice.Silo.Hosting;

/// <summary>Membership, grain state and reminders in Redis (<c>Silo:Provider=redis</c>, <c>Redis:ConnectionString</c>).</summary>
internal sealed class RedisClusterStore(ConfigurationOptions redis) : IClusterStore
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public void Use(ISiloBuilder builder, string pubSubStore)
    {
        // Each provider gets its own copy: StackExchange.Redis may change the options it connects with.
        builder.UseRedisClustering(o => o.ConfigurationOptions = redis.Clone());
        builder.AddRedisGrainStorageAsDefault(o => o.ConfigurationOptions = redis.Clone());
        builder.AddRedisGrainStorage(pubSubStore, o => o.ConfigurationOptions = redis.Clone());
        builder.UseRedisReminderService(o => o.ConfigurationOptions = redis.Clone());
    }

    /// <summary>Parses <c>Redis:ConnectionString</c> and checks that Redis answers.</summary>
    public static RedisClusterStore Connect(RedisSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                "Cluster mode (Silo:Mode=cluster) with Silo:Provider=redis needs Redis:ConnectionString, e.g. --Redis:ConnectionString=127.0.0.1:6379 " +
                "(or the environment variable Redis__ConnectionString). deploy/local-cluster.sh starts a redis-server for you; " +
                "Silo:Provider=azure uses Azure Storage instead.");
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
        return new RedisClusterStore(options);
    }
}
