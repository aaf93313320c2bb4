using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sluice.Hosting;
using Sluice.Silo.Hosting;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Silo.Demo;

/// <summary>
/// Starts the demo queries once the silo is up, all reading the click events: purchases to the console (every 5
/// seconds) and to a memory sink; event counts per user in 5-minute windows (update mode); revenue per product per
/// 5-minute window with a 30-second watermark (append mode); the same after dropping repeated event ids (two stateful
/// operators in one query); and per-user sessions closed after 10 minutes without
/// events (the Sessionizer processor). Watch them with <c>sluice list</c> and <c>sluice progress NAME</c>.
/// </summary>
internal sealed class DemoQueries(IGrainFactory grains, IHostApplicationLifetime lifetime, KafkaEndpoint kafka, IOptions<SluiceOptions> options) : IHostedService
{
    public static IReadOnlyList<QuerySpec> Specs { get; } =
    [
        Purchases("purchases", new SinkSpec { Kind = "memory" }, TriggerSpec.Default),
        Purchases("purchases_console", new SinkSpec { Kind = "console", NumRows = 5 }, TriggerSpec.ProcessingTime(TimeSpan.FromSeconds(5))),
        Demo("events_per_user", OutputMode.Update,
        [
            new GroupBySpec(["window(event_time, '5 minutes') AS window", "user_id"], ["count(*) AS events"]),
        ]),
        Demo("revenue_per_product", OutputMode.Append,
        [
            new FilterSpec("event_type = 'purchase'"),
            new WithWatermarkSpec("event_time", TimeSpan.FromSeconds(30)),
            new GroupBySpec(["window(event_time, '5 minutes') AS window", "product_id"], ["sum(amount) AS revenue"]),
        ]),
        // Two stateful operators in one query: the broker may deliver an event twice, so drop repeats of an event_id
        // (remembered until the watermark passes its time plus the delay), then sum revenue per product per window.
        Demo("deduped_revenue_per_product", OutputMode.Append,
        [
            new FilterSpec("event_type = 'purchase'"),
            new WithWatermarkSpec("event_time", TimeSpan.FromSeconds(30)),
            new DropDuplicatesSpec(["event_id"], WithinWatermark: true),
            new GroupBySpec(["window(event_time, '5 minutes') AS window", "product_id"], ["sum(amount) AS revenue", "count(*) AS purchases"]),
        ]),
        Demo("sessions", OutputMode.Update,
        [
            new WithWatermarkSpec("event_time", TimeSpan.FromSeconds(30)),
            new GroupsWithStateSpec(FlatMap: true, ["user_id"], "Sessionizer", "eventTime", OutputMode.Update),
        ]),
    ];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = StartQueriesAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task StartQueriesAsync()
    {
        var demoCheckpoints = Path.Combine(options.Value.CheckpointRoot, "demo");
        if (kafka.Embedded && Directory.Exists(demoCheckpoints))
        {
            // The embedded broker starts empty every time, so the last run's demo offsets point at data that is gone.
            Directory.Delete(demoCheckpoints, recursive: true);
        }
        var manager = grains.GetGrain<IQueryManagerGrain>(0);
        foreach (var spec in Specs)
        {
            try
            {
                var info = await manager.StartAsync(spec);
                Console.WriteLine($"Demo query '{info.Name}' started (id {info.Id}) -> {spec.Sink.Kind} sink");
            }
            catch (Exception e) when (e is QueryStartException or InvalidOperationException or SluiceException or OrleansException)
            {
                Console.Error.WriteLine($"Demo query '{spec.Name}' did not start: {e.Message}");
            }
        }
    }

    private static QuerySpec Demo(string name, OutputMode mode, IReadOnlyList<OperatorSpec> operators) => new()
    {
        Name = name,
        Source = new SourceSpec { Kind = "kafka", Topic = ClickEvents.Topic, StartingOffsets = "latest", Schema = ClickEvents.Schema },
        Operators = operators,
        Sink = new SinkSpec { Kind = "memory" },
        OutputMode = mode,
        Trigger = TriggerSpec.ProcessingTime(TimeSpan.FromSeconds(1)),
        CheckpointLocation = $"demo/{name}",
    };

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
