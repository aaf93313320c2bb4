using Microsoft.Extensions.Hosting;

namespace Sluice.Silo.Hosting;

/// <summary>Prints where to reach the silo and its Kafka once the silo is up.</summary>
internal sealed class StartupBanner(KafkaEndpoint kafka, HttpSettings http, SiloEndpoint silo, IHostApplicationLifetime lifetime) : IHostedService
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
            Console.WriteLine($"  streaming UI:       {http.BaseUrl}/ui/");
            Console.WriteLine($"  Orleans Dashboard:  {http.BaseUrl}/dashboard");
            Console.WriteLine($"  HTTP API:           {http.BaseUrl}/api/queries");
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

