using Microsoft.Extensions.Hosting;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Silo.Demo;

/// <summary>
/// Starts the demo queries once the silo is up: purchases filtered out of the click events, to the console
/// (every 5 seconds) and to a memory sink (<c>sluice progress purchases</c>, or read it through the client).
/// </summary>
internal sealed class DemoQueries(IGrainFactory grains, IHostApplicationLifetime lifetime) : IHostedService
{
    public static IReadOnlyList<QuerySpec> Specs { get; } =
    [
        Purchases("purchases", new SinkSpec { Kind = "memory" }, TriggerSpec.Default),
        Purchases("purchases_console", new SinkSpec { Kind = "console", NumRows = 5 }, TriggerSpec.ProcessingTime(TimeSpan.FromSeconds(5))),
    ];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = StartQueriesAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task StartQueriesAsync()
    {
        var manager = grains.GetGrain<IQueryManagerGrain>(0);
        foreach (var spec in Specs)
        {
            try
            {
                var info = await manager.StartAsync(spec);
                Console.WriteLine($"Demo query '{info.Name}' started (id {info.Id}) -> {spec.Sink.Kind} sink");
            }
            catch (Exception e) when (e is QueryStartException or InvalidOperationException or OrleansException)
            {
                Console.Error.WriteLine($"Demo query '{spec.Name}' did not start: {e.Message}");
            }
        }
    }

    private static QuerySpec Purchases(string name, SinkSpec sink, TriggerSpec trigger) => new()
    {
        Name = name,
        Source = new SourceSpec { Kind = "kafka", Topic = ClickEvents.Topic, StartingOffsets = "latest", Schema = ClickEvents.Schema },
        Operators =
        [
            new FilterSpec("event_type = 'purchase'"),
            new SelectSpec(["user_id", "product_id", "amount", "event_time"]),
        ],
        Sink = sink,
        OutputMode = OutputMode.Append,
        Trigger = trigger,
        CheckpointLocation = $"demo/{name}",
    };
}
