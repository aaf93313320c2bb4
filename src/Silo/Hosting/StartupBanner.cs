using Microsoft.Extensions.Hosting;
using Sluice.Silo.Http;

namespace Sluice.Silo.Hosting;

/// <summary>Prints where to reach the silo and its Kafka once the silo is up.</summary>
internal sealed class StartupBanner(KafkaEndpoint kafka, HttpSettings http, HttpApiKeys keys, SiloEndpoint silo, IHostApplicationLifetime lifetime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            Console.WriteLine($"Sluice silo is up. Kafka bootstrap servers: {kafka.BootstrapServers}{(kafka.Embedded ? " (embedded broker)" : "")}");
            if (silo.Mode == SiloMode.Cluster)
            {
                Console.WriteLine($"  cluster mode:       cluster '{silo.ClusterId}', silo {silo.Host}:{silo.SiloPort}, gateway {silo.Host}:{silo.GatewayPort}{(silo.Tls ? " (TLS)" : "")}");
            }
            // A generated key is printed (it exists only in this process); a configured one never is.
            var key = keys.GeneratedKey is { } generated ? $"?key={generated}" : "";
            Console.WriteLine($"  streaming UI:       {http.BaseUrl}/ui/{key}");
            Console.WriteLine($"  Orleans Dashboard:  {http.BaseUrl}/dashboard{key}");
            Console.WriteLine($"  HTTP API:           curl -H 'Authorization: Bearer {keys.GeneratedKey ?? "KEY"}' {http.BaseUrl}/api/queries");
            Console.WriteLine(keys.GeneratedKey is null
                ? "  API key:            one of Http:ApiKeys (docs/security.md)"
                : "  API key:            generated for this run (set Http:ApiKeys to keep one; docs/security.md)");
            Console.WriteLine($"  produce:  sluice produce --topic events --bootstrap {kafka.BootstrapServers} < events.jsonl");
            Console.WriteLine($"  kcat:     echo '{{\"user_id\":\"u1\",\"event_type\":\"purchase\",\"amount\":9.5}}' | kcat -P -b {kafka.BootstrapServers} -t events");
            var gateway = silo.Mode == SiloMode.Cluster ? $" --silo {silo.Host}:{silo.GatewayPort}" : "";
            var tls = silo.Tls ? " --tls-ca CA.crt --client-cert CLIENT.pfx" : "";
            Console.WriteLine($"  queries:  sluice list{gateway}{tls}    (Ctrl+C stops the silo)");
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

