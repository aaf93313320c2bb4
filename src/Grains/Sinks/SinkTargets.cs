using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Sinks;

/// <summary>The sink writer grain a query's output goes to.</summary>
internal static class SinkTargets
{
    public static ISinkGrain Resolve(IGrainFactory grains, SinkSpec sink, string queryName) => sink.Kind switch
    {
        "memory" => grains.GetGrain<IMemorySinkGrain>(queryName),
        "console" => grains.GetGrain<IConsoleSinkGrain>(queryName),
        _ => throw new ArgumentException($"unknown sink kind '{sink.Kind}'"),
    };

    public static string Describe(SinkSpec sink) => sink.Kind switch
    {
        "memory" => "MemorySink",
        "console" => "ConsoleSink",
        _ => sink.Kind,
    };
}
