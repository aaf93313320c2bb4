using System.Net;
using Microsoft.Extensions.Configuration;

namespace Sluice.Silo.Hosting;

/// <summary>The silo's own settings (configuration section <c>Silo</c>).</summary>
public sealed class SiloSettings
{
    /// <summary>
    /// <c>embedded</c> (default): one silo, localhost clustering, memory grain storage and reminders. <c>cluster</c>:
    /// several silos that find each other, and keep grain state and reminders, in the store <see cref="Provider"/> names.
    /// </summary>
    public SiloMode Mode { get; set; } = SiloMode.Embedded;

    /// <summary>
    /// Cluster mode: where membership, grain state and reminders live. <c>redis</c> (default; <c>Redis:ConnectionString</c>)
    /// or <c>azure</c> (Azure Table storage for membership and reminders, Blob storage for grain state;
    /// <c>AzureStorage:ConnectionString</c>).
    /// </summary>
    public ClusterProvider Provider { get; set; } = ClusterProvider.Redis;

    /// <summary>
    /// Cluster mode in Kubernetes: Orleans' Kubernetes hosting (pod name, namespace and IP from the downward API; a
    /// deleted pod's silo is declared dead at once, and the pods of silos the cluster declared dead are deleted).
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>Port silos talk to each other on.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients (the CLI, <c>SluiceClient</c>) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Cluster mode: the cluster's id; silos with the same id and Redis form one cluster.</summary>
    public string ClusterId { get; set; } = "sluice";

    /// <summary>Cluster mode: the IP address other silos and clients reach this silo on (in Kubernetes, the pod IP).</summary>
    public string AdvertisedIp { get; set; } = "127.0.0.1";

    /// <summary>Cluster mode: listen on every interface instead of only <see cref="AdvertisedIp"/> (containers).</summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>TLS for the gateway and silo links (section <c>Silo:Tls</c>); off unless a certificate is set.</summary>
    public TlsSettings Tls { get; set; } = new();

    /// <summary>Reads section <c>Silo</c>, failing with a message that names the setting to fix.</summary>
    public static SiloSettings Read(IConfiguration configuration)
    {
        var mode = configuration["Silo:Mode"];
        if (mode is { Length: > 0 } && !Enum.TryParse<SiloMode>(mode, ignoreCase: true, out _))
        {
            throw new InvalidOperationException($"Silo:Mode is '{mode}'; use 'embedded' (one silo, the default) or 'cluster' (several silos over Redis or Azure Storage).");
        }
        var provider = configuration["Silo:Provider"];
        if (provider is { Length: > 0 } && !Enum.TryParse<ClusterProvider>(provider, ignoreCase: true, out _))
        {
            throw new InvalidOperationException($"Silo:Provider is '{provider}'; use 'redis' (the default) or 'azure' (Azure Table and Blob storage).");
        }
        var settings = configuration.GetSection("Silo").Get<SiloSettings>() ?? new SiloSettings();
        if (settings.Mode == SiloMode.Cluster && !IPAddress.TryParse(settings.AdvertisedIp, out _))
        {
            throw new InvalidOperationException($"Silo:AdvertisedIp is '{settings.AdvertisedIp}'; give the IP address other silos reach this one on, e.g. 127.0.0.1 or the pod IP.");
        }
        if (settings.Mode == SiloMode.Cluster && string.IsNullOrWhiteSpace(settings.ClusterId))
        {
            throw new InvalidOperationException("Silo:ClusterId must not be empty in cluster mode (default 'sluice').");
        }
        settings.Tls.CheckNotHalfConfigured();
        return settings;
    }
}

/// <summary>How a silo runs: alone, or as one of several.</summary>
public enum SiloMode
{
    /// <summary>One silo with localhost clustering and in-memory grain state.</summary>
    Embedded,

    /// <summary>Several silos with clustering, grain storage and reminders in Redis or Azure Storage.</summary>
    Cluster,
}

/// <summary>Where a cluster keeps its membership, grain state and reminders.</summary>
public enum ClusterProvider
{
    /// <summary>Redis (<c>Redis:ConnectionString</c>).</summary>
    Redis,

    /// <summary>Azure Storage: tables for membership and reminders, blobs for grain state (<c>AzureStorage:ConnectionString</c>).</summary>
    Azure,
}

/// <summary>Azure Storage, the cluster's membership and state store when <c>Silo:Provider=azure</c> (configuration section <c>AzureStorage</c>).</summary>
public sealed class AzureStorageSettings
{
    /// <summary>
    /// The storage account's connection string (with a Blob and a Table endpoint), e.g. what <c>scripts/azurite.sh</c>
    /// prints for Azurite. From a secret (<c>AzureStorage__ConnectionString</c>), never in a config file.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The start of the tables' and the container's names: tables <c>{prefix}membership</c> and <c>{prefix}reminders</c>,
    /// container <c>{prefix}-grainstate</c>. Lowercase letters and digits, starting with a letter; several Sluice
    /// services can share an account with different prefixes.
    /// </summary>
    public string NamePrefix { get; set; } = "sluice";
}

/// <summary>Redis, the cluster's membership and state store (configuration section <c>Redis</c>; cluster mode only).</summary>
public sealed class RedisSettings
{
    /// <summary>A StackExchange.Redis connection string, e.g. <c>127.0.0.1:6379</c> or <c>redis:6379,password=...</c>.</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>Kafka settings (configuration section <c>Kafka</c>).</summary>
public sealed class KafkaSettings
{
    /// <summary>Bootstrap servers of a real Kafka; empty starts the embedded broker (librdkafka's mock cluster).</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Topics the embedded broker creates at start, with their partition counts.</summary>
    public List<TopicSettings> Topics { get; set; } = [];

    /// <summary>
    /// Whether to start the embedded broker when no bootstrap servers are set (scenarios turn it off). Unset means yes
    /// in embedded mode and no in cluster mode, where each silo would get a broker of its own: cluster mode then
    /// requires <see cref="BootstrapServers"/>, unless this is set to <c>true</c> (tests) or <c>false</c> (no Kafka).
    /// </summary>
    public bool? Embedded { get; set; }

    /// <summary>Brokers of the embedded cluster.</summary>
    public int EmbeddedBrokers { get; set; } = 1;
}

/// <summary>A topic of the embedded broker.</summary>
public sealed class TopicSettings
{
    public string Name { get; set; } = "";

    public int Partitions { get; set; } = 4;
}

/// <summary>The demo (configuration section <c>Demo</c>; <c>--demo</c> on the command line turns it on).</summary>
public sealed class DemoSettings
{
    public bool Enabled { get; set; }

    /// <summary>Click events a second the generator produces into topic <c>events</c>.</summary>
    public int EventsPerSecond { get; set; } = 50;
}

/// <summary>The silo's HTTP endpoint (configuration section <c>Http</c>): API, streaming UI and Orleans Dashboard.</summary>
public sealed class HttpSettings
{
    /// <summary>The interface to listen on; <c>0.0.0.0</c> for every interface.</summary>
    public string Host { get; set; } = "localhost";

    public int Port { get; set; } = 8080;

    /// <summary>
    /// Keys that open the API, UI and Dashboard (<c>Http__ApiKeys__0</c>, from a secret). None: embedded mode on
    /// loopback generates one at start; anywhere else the silo refuses to start (docs/security.md).
    /// </summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>The address to print for people, e.g. <c>http://localhost:8080</c>.</summary>
    public string BaseUrl => $"http://{(Host is "0.0.0.0" or "*" or "+" ? "localhost" : Host)}:{Port}";
}
