using Sluice.Contracts;
using Sluice.Sinks.Files;
using Sluice.Spec;

namespace Sluice.Sinks;

/// <summary>The sink writer grain a query's output goes to.</summary>
internal static class SinkTargets
{
    public static ISinkGrain Resolve(IGrainFactory grains, SinkSpec sink, string queryName, Guid queryId) => sink.Kind switch
    {
        "memory" => grains.GetGrain<IMemorySinkGrain>(queryName),
        "console" => grains.GetGrain<IConsoleSinkGrain>(queryName),
        "kafka" => grains.GetGrain<IKafkaSinkGrain>(queryId.ToString("N")),
        "foreachBatch" => grains.GetGrain<IForeachBatchSinkGrain>(queryId.ToString("N")),
        "stream" => grains.GetGrain<IStreamSinkGrain>(queryName),
        "parquet" or "json" => grains.GetGrain<IFileSinkGrain>(FileSinkId.From(sink).ToString()),
        _ => throw new ArgumentException($"unknown sink kind '{sink.Kind}'"),
    };

    public static string Describe(SinkSpec sink) => sink.Kind switch
    {
        "memory" => "MemorySink",
        "console" => "ConsoleSink",
        "kafka" => $"KafkaSink[{sink.Topic}]",
        "foreachBatch" => $"ForeachBatchSink[{sink.Handler}]",
        "stream" => "OrleansStreamSink",
        "parquet" or "json" => $"FileSink[{sink.Path}]",
        _ => sink.Kind,
    };
}
