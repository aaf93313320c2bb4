using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sluice.Hosting;
using Sluice.Silo.Demo;
using Microsoft.AspNetCore.Http;
using Orleans.Dashboard;
using Sluice.Silo.Http;
using Sluice.Connectors.Kafka;

namespace Sluice.Silo.Hosting;

/// <summary>
/// Builds a Sluice silo host. Embedded mode (the default): localhost clustering, memory grain storage, a local
/// checkpoint folder and, when no Kafka bootstrap servers are configured, the embedded Kafka broker. Cluster mode
/// (<c>Silo:Mode=cluster</c>): clustering, grain storage and reminders in Redis or Azure Storage (<see cref="ClusterHosting"/>), a real
/// Kafka, and checkpoints on storage every silo sees (one shared <c>Sluice:CheckpointRoot</c>, or Azure Blob). The silo serves
/// HTTP on <c>Http:Port</c> (default 8080): the API under <c>/api</c>, the streaming UI at <c>/ui/</c> and the Orleans
/// Dashboard at <c>/dashboard</c>.
/// Configuration comes from appsettings.json, environment variables (<c>Sluice__CheckpointRoot</c>) and the
/// command line (<c>--Kafka:BootstrapServers=host:9092</c>).
/// </summary>
public static class SluiceHost
{
    public static SluiceSiloBuilder CreateBuilder(string[] args, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args.Where(a => a != "--quiet").Select(a => a == "--demo" ? "--Demo:Enabled=true" : a).ToArray(),
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        var http = builder.Configuration.GetSection("Http").Get<HttpSettings>() ?? new HttpSettings();
        builder.WebHost.UseUrls($"http://{http.Host}:{http.Port}");
        RetiredSettings.Refuse(builder.Configuration);
        var silo = SiloSettings.Read(builder.Configuration);
        builder.Services.AddSluiceHttpAuth(http, silo.Mode, builder.Configuration);
        var kafka = builder.Configuration.GetSection("Kafka").Get<KafkaSettings>() ?? new KafkaSettings();
        var demo = builder.Configuration.GetSection("Demo").Get<DemoSettings>() ?? new DemoSettings();
        var store = silo.Mode == SiloMode.Cluster ? ClusterHosting.ConnectStore(silo, builder.Configuration) : null;

        var bootstrap = StartKafka(builder, kafka, silo.Mode);
        if (time is not null)
        {
            builder.Services.AddSingleton(new SluiceClock(time));
        }
        builder.Services.AddSingleton(http);
        builder.Services.AddSingleton(new KafkaEndpoint(bootstrap ?? "(none)", bootstrap is not null && string.IsNullOrWhiteSpace(kafka.BootstrapServers)));
        if (builder.Configuration["Sluice:PluginFolder"] is { Length: > 0 } plugins)
        {
            Sluice.Processing.ProcessorRegistry.LoadPluginFolder(plugins);
        }
        builder.Services.AddSingleton(new SiloEndpoint(silo.Mode, silo.ClusterId, silo.Mode == SiloMode.Cluster ? silo.AdvertisedIp : "localhost", silo.SiloPort, silo.GatewayPort, silo.Tls.Enabled));
        builder.UseOrleans(orleans =>
        {
            orleans.AddDashboard();
            orleans.AddSluice(options =>
            {
                builder.Configuration.GetSection("Sluice").Bind(options);
                options.KafkaBootstrapServers = bootstrap;
                if (bootstrap is not null && string.IsNullOrWhiteSpace(kafka.BootstrapServers))
                {
                    // The embedded (mock) broker holds an empty fetch for the whole fetch.wait.max.ms (see SluiceOptions).
                    options.KafkaReaderSettings.TryAdd("fetch.wait.max.ms", "5");
                }
            });
            if (silo.Tls.Enabled)
            {
                orleans.UseSluiceTls(silo.Tls);
            }
            if (store is not null)
            {
                // Failure detection (probe timeouts, missed probes, votes): Sluice's defaults (FailureDetection), then Silo:Membership.
                orleans.UseSluiceCluster(silo, store, builder.Configuration.GetSection("Silo:Membership"));
            }
            else
            {
                orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: ClusterHosting.ServiceId, clusterId: silo.ClusterId);
                // Embedded mode is for one machine: say so rather than rely on Orleans deriving the listening endpoints
                // from the advertised loopback address (Silo:AdvertisedIp and Silo:ListenOnAnyAddress are cluster settings).
                orleans.Configure<Orleans.Configuration.EndpointOptions>(o =>
                {
                    o.SiloListeningEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, silo.SiloPort);
                    o.GatewayListeningEndpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, silo.GatewayPort);
                });
                orleans.AddMemoryGrainStorageAsDefault();
                orleans.UseInMemoryReminderService();
            }
        });
        if (!args.Contains("--quiet"))
        {
            builder.Services.AddHostedService<StartupBanner>();
        }
        if (demo.Enabled)
        {
            builder.Services.AddSingleton(demo);
            builder.Services.AddHostedService<ClickEventGenerator>();
            builder.Services.AddHostedService<DemoQueries>();
        }
        return new SluiceSiloBuilder(builder);
    }

    /// <summary>
    /// Starts the embedded broker when no bootstrap servers are set and it is wanted; returns the servers sources use.
    /// In cluster mode every silo would start a broker of its own, so there it must be asked for explicitly.
    /// </summary>
    private static string? StartKafka(WebApplicationBuilder builder, KafkaSettings kafka, SiloMode mode)
    {
        if (!string.IsNullOrWhiteSpace(kafka.BootstrapServers))
        {
            return kafka.BootstrapServers;
        }
        if (mode == SiloMode.Cluster && kafka.Embedded is null)
        {
            throw new InvalidOperationException(
                "Cluster mode (Silo:Mode=cluster) needs Kafka:BootstrapServers, e.g. --Kafka:BootstrapServers=kafka:9092: an embedded " +
                "broker would be a different, empty Kafka in each silo. Set --Kafka:Embedded=true to accept that anyway (tests), " +
                "or --Kafka:Embedded=false to run without Kafka.");
        }
        if (kafka.Embedded == false)
        {
            return null;
        }
        var embedded = EmbeddedKafka.Start(kafka.EmbeddedBrokers);
        foreach (var topic in kafka.Topics)
        {
            embedded.CreateTopic(topic.Name, topic.Partitions);
        }
        builder.Services.AddSingleton(embedded);
        return embedded.BootstrapServers;
    }
}

/// <summary>A configured silo host; <see cref="Build"/> adds the HTTP endpoints.</summary>
public sealed class SluiceSiloBuilder(WebApplicationBuilder builder)
{
    public IServiceCollection Services => builder.Services;

    public ConfigurationManager Configuration => builder.Configuration;

    public WebApplication Build()
    {
        var app = builder.Build();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseSluiceHttpAuth(app.Services.GetRequiredService<HttpApiKeys>());
        app.MapHealthEndpoints();
        app.MapQueryApi();
        app.MapOrleansDashboard(routePrefix: DashboardCookie.Path).RequireAuthorization(HttpAuthHosting.Policy);
        app.MapGet("/", () => Results.Redirect("/ui/")).AllowAnonymous();
        return app;
    }
}

/// <summary>Where this silo is reached and in which mode it runs (printed by the startup banner).</summary>
public sealed record SiloEndpoint(SiloMode Mode, string ClusterId, string Host, int SiloPort, int GatewayPort, bool Tls = false);

/// <summary>The Kafka the silo's sources use by default, and whether it is the embedded broker.</summary>
public sealed record KafkaEndpoint(string BootstrapServers, bool Embedded);
