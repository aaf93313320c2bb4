using System.Net;
using System.Security.Authentication;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sluice.Contracts;
using Sluice.Data;
using Orleans.Configuration;
using Orleans.Streams;
using Sluice.Spec;

namespace Sluice.Client;

/// <summary>
/// The entry point for users: connects to a Sluice silo, builds and starts streaming queries
/// (<see cref="ReadStream"/>, like Spark's <c>spark.readStream</c>), lists them, and reads memory sinks.
/// </summary>
public sealed class SluiceClient : IAsyncDisposable
{
    private readonly IHost? _host;

    /// <summary>Wraps an Orleans client that is already connected (for example the one inside an in-process silo).</summary>
    public SluiceClient(IClusterClient cluster) => Cluster = cluster;

    private SluiceClient(IHost host) : this(host.Services.GetRequiredService<IClusterClient>()) => _host = host;

    /// <summary>The underlying Orleans client.</summary>
    public IClusterClient Cluster { get; }

    /// <summary>How long <see cref="ConnectAsync(string, string, CancellationToken)"/> waits for a gateway to answer before failing.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The cluster id of a silo whose <c>Silo:ClusterId</c> is not set, embedded or cluster mode.</summary>
    public const string DefaultClusterId = "sluice";

    /// <summary>
    /// Connects to a silo's gateway, <c>host:port</c> (default <c>localhost:30000</c>, the embedded silo), or to
    /// several, comma-separated, so the client carries on through another when one silo fails. The client writes no
    /// logs of its own; failures surface as exceptions.
    /// </summary>
    public static Task<SluiceClient> ConnectAsync(string gateway = "localhost:30000", CancellationToken cancellationToken = default) =>
        ConnectAsync(gateway, DefaultClusterId, cancellationToken);

    /// <summary>
    /// Connects as <see cref="ConnectAsync(string, CancellationToken)"/> to silos whose <c>Silo:ClusterId</c> is
    /// <paramref name="clusterId"/>: a gateway refuses clients that name another cluster.
    /// </summary>
    public static Task<SluiceClient> ConnectAsync(string gateway, string clusterId, CancellationToken cancellationToken = default) =>
        ConnectAsync(gateway, clusterId, tls: null, cancellationToken);

    /// <summary>
    /// Connects as <see cref="ConnectAsync(string, string, CancellationToken)"/>, over TLS when <paramref name="tls"/> is
    /// given (silos with <c>Silo:Tls</c> on accept nothing else). A refused handshake (no or an untrusted client certificate,
    /// an untrusted silo certificate) fails within the handshake timeout with an exception that says so.
    /// </summary>
    public static async Task<SluiceClient> ConnectAsync(string gateway, string clusterId, SluiceTlsOptions? tls, CancellationToken cancellationToken = default)
    {
        var endpoints = gateway.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(ParseEndpoint).ToArray();
        if (endpoints.Length == 0)
        {
            throw new ArgumentException("No gateway given: pass host:port, or several comma-separated.", nameof(gateway));
        }
        var configureTls = tls?.Configure();
        var log = new ConnectionLog();
        var host = Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddProvider(log))
            .UseOrleansClient(client =>
            {
                client.UseStaticClustering(endpoints)
                    .Configure<ClusterOptions>(o => o.ClusterId = clusterId)
                    // Starting a query opens its checkpoint and asks Kafka for metadata: allow control calls more than the default 30 s.
                    .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(2))
                    .AddMemoryStreams(QueryEvents.Provider);
                if (configureTls is not null)
                {
                    client.UseTls(configureTls);
                }
            })
            .Build();
        try
        {
            await StartAsync(host, log, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            var tlsHint = tls is null
                ? "Silos with Silo:Tls on accept only TLS clients (--tls, --client-cert, --tls-ca; docs/security.md)."
                : "Over TLS the silo refuses a client without a certificate it trusts (Silo:Tls:ClientCaPath, Silo:Tls:AllowedClientThumbprints), " +
                  "and the client refuses a silo certificate that --tls-ca or --tls-thumbprint does not name.";
            // A refusal means a silo is there and said no: advice on starting one would mislead.
            var hint = e is AuthenticationException ? tlsHint
                : "Start one with 'dotnet run --project src/Silo', or pass --silo host:port[,host:port...]; silos started with another " +
                  "Silo:ClusterId need SLUICE_CLUSTER_ID set to it. " + tlsHint;
            throw new InvalidOperationException($"Could not connect to a Sluice silo at {gateway} (cluster id '{clusterId}'): {e.Message.TrimEnd('.')}. {hint}", e);
        }
        return new SluiceClient(host);
    }

    /// <summary>
    /// Starts the Orleans client, but gives up at once when a TLS handshake fails (Orleans would retry until its response
    /// timeout) and after <see cref="ConnectTimeout"/> at most (Orleans keeps retrying an unreachable gateway for minutes): a gateway that drops the connection makes no error of its own.
    /// </summary>
    private static async Task StartAsync(IHost host, ConnectionLog log, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        var start = host.StartAsync(timeout.Token);
        if (await Task.WhenAny(start, log.Refused) != start)
        {
            await timeout.CancelAsync();
            // Let the abandoned start see its cancellation before the caller disposes the host under it.
            await Task.WhenAny(start, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
            throw new AuthenticationException(await log.Refused);
        }
        try
        {
            await start;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"no gateway answered within {ConnectTimeout.TotalSeconds:0} s{(log.LastWarnings is { Length: > 0 } w ? $" (client log: {w})" : "")}");
        }
    }

    /// <summary>Starts describing a stream to read (Spark's <c>readStream</c>).</summary>
    public DataStreamReader ReadStream() => new(this);

    /// <summary>Starts a query from a spec (what <see cref="DataStreamWriter.StartAsync"/> and <c>sluice submit</c> send).</summary>
    /// <exception cref="QueryStartException">The spec is invalid, a rule is broken, or the name or checkpoint is in use.</exception>
    public async Task<StreamingQuery> StartAsync(QuerySpec spec)
    {
        var info = await Manager.StartAsync(spec);
        return new StreamingQuery(this, info);
    }

    /// <summary>The active queries (Spark's <c>spark.streams.active</c>).</summary>
    public async Task<IReadOnlyList<StreamingQuery>> ListActiveAsync() =>
        (await Manager.ListAsync()).Select(info => new StreamingQuery(this, info)).ToList();

    /// <summary>A query by name, active or ended while the silo has run; null when unknown.</summary>
    public async Task<StreamingQuery?> GetQueryAsync(string name) =>
        await Manager.FindAsync(name) is { } info ? new StreamingQuery(this, info) : null;

    /// <summary>Stops the query with this name.</summary>
    public Task StopAsync(string name) => Manager.StopAsync(name);

    /// <summary>The rows of a query's memory sink (all rows so far; in complete mode the latest result table).</summary>
    public async Task<MemorySinkContents> ReadMemorySinkAsync(string queryName) =>
        await Cluster.GetGrain<IMemorySinkGrain>(SinkGrainId.Memory(queryName).ToString()).ReadAsync();

    /// <summary>The rows of a query's memory sink as JSON objects (timestamps as ISO-8601 UTC strings).</summary>
    public async Task<IReadOnlyList<JsonObject>> ReadMemorySinkJsonAsync(string queryName)
    {
        var contents = await ReadMemorySinkAsync(queryName);
        return contents.Rows.Select(r => RowJson.ToJson(contents.Schema, r)).ToList();
    }

    /// <summary>The rows of a query's memory sink deserialized as <typeparamref name="T"/> (by column name).</summary>
    public async Task<IReadOnlyList<T>> ReadMemorySinkAsync<T>(string queryName) =>
        (await ReadMemorySinkJsonAsync(queryName)).Select(o => o.Deserialize<T>(JsonOptions)!).ToList();

    /// <summary>Appends rows to a memory source named <paramref name="streamName"/>; each row is serialized as a JSON object.</summary>
    public Task<long> AddDataAsync(string streamName, params object[] rows) =>
        Cluster.GetGrain<IMemorySourceGrain>(streamName).AddDataAsync(rows.Select(r => r as string ?? JsonSerializer.Serialize(r, r.GetType(), JsonOptions)).ToList());

    /// <summary>
    /// Subscribes to every query's listener events (Spark's StreamingQueryListener: started, progress, idle,
    /// terminated). Dispose the result to unsubscribe.
    /// </summary>
    public async Task<IAsyncDisposable> AddListenerAsync(Func<QueryListenerEvent, Task> onEvent)
    {
        var stream = Cluster.GetStreamProvider(QueryEvents.Provider)
            .GetStream<QueryListenerEvent>(StreamId.Create(QueryEvents.Namespace, QueryEvents.Key));
        var handle = await stream.SubscribeAsync((e, _) => onEvent(e));
        return new Subscription<QueryListenerEvent>(handle);
    }

    /// <summary>
    /// Subscribes to a query's <c>stream</c> sink: <paramref name="onBatch"/> gets each committed batch once, in order;
    /// a batch published again after a crash (same batch id) is dropped.
    /// </summary>
    public async Task<IAsyncDisposable> SubscribeOutputAsync(string queryName, Func<OutputBatch, Task> onBatch)
    {
        var stream = Cluster.GetStreamProvider(QueryEvents.Provider).GetStream<OutputBatch>(StreamId.Create(OutputStreams.Namespace, queryName));
        long last = -1;
        var handle = await stream.SubscribeAsync(async (batch, _) =>
        {
            if (batch.BatchId > Interlocked.Read(ref last))
            {
                Interlocked.Exchange(ref last, batch.BatchId);
                await onBatch(batch);
            }
        });
        return new Subscription<OutputBatch>(handle);
    }

    private sealed class Subscription<T>(Orleans.Streams.StreamSubscriptionHandle<T> handle) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await handle.UnsubscribeAsync();
    }

    internal IQueryManagerGrain Manager => Cluster.GetGrain<IQueryManagerGrain>(0);

    internal static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    private static IPEndPoint ParseEndpoint(string gateway)
    {
        var text = gateway.Contains(':', StringComparison.Ordinal) ? gateway : gateway + ":30000";
        var colon = text.LastIndexOf(':');
        var hostName = text[..colon];
        if (!int.TryParse(text[(colon + 1)..], out var port))
        {
            throw new ArgumentException($"'{gateway}' is not host:port");
        }
        var address = IPAddress.TryParse(hostName, out var ip)
            ? ip
            : Dns.GetHostAddresses(hostName).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
              ?? throw new ArgumentException($"cannot resolve '{hostName}'");
        return new IPEndPoint(address, port);
    }

    /// <summary>Disconnects (when this client made its own connection).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}
