using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Sluice.Hosting;
using Sluice.Silo.Hosting;

namespace Sluice.Silo.Demo;

/// <summary>Produces click events into topic <c>events</c> at the configured rate while the silo runs.</summary>
internal sealed class ClickEventGenerator(KafkaEndpoint kafka, DemoSettings settings, SluiceClock time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            LingerMs = 20,
        }).Build();
        var random = new Random(42);
        long id = 0;
        var tick = TimeSpan.FromMilliseconds(100);
        var perTick = Math.Max(1, settings.EventsPerSecond / 10);
        using var timer = new PeriodicTimer(tick, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            for (var i = 0; i < perTick; i++)
            {
                var json = ClickEvents.Json(random, id++, time.GetUtcNow(), users: 1000, products: 100);
                producer.Produce(ClickEvents.Topic, new Message<string, string> { Value = json });
            }
        }
        producer.Flush(TimeSpan.FromSeconds(5));
    }
}
