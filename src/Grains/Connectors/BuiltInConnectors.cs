using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sluice.Connectors.ConsoleSink;
using Sluice.Connectors.Delta;
using Sluice.Connectors.Files;
using Sluice.Connectors.ForeachBatch;
using Sluice.Connectors.Generator;
using Sluice.Connectors.Kafka;
using Sluice.Connectors.Memory;
using Sluice.Connectors.Nexmark;
using Sluice.Connectors.Rate;
using Sluice.Connectors.Socket;
using Sluice.Connectors.StreamSink;
using Sluice.Connectors.Table;
using Sluice.Hosting;

namespace Sluice.Connectors;

/// <summary>The connectors every silo has, registered by <c>AddSluice</c>: one line per kind.</summary>
internal static class BuiltInConnectors
{
    public static void Register(IServiceCollection services)
    {
        services.TryAddSingleton<ConnectorRegistry>();
        services.AddSourceConnector<KafkaSourceConnector>();
        services.AddSourceConnector<MemorySourceConnector>();
        services.AddSourceConnector<RateSourceConnector>();
        services.AddSourceConnector<GeneratorSourceConnector>();
        services.AddSourceConnector<TableSourceConnector>();
        services.AddSourceConnector<FilesSourceConnector>();
        services.AddSourceConnector<SocketSourceConnector>();
        services.AddSourceConnector<NexmarkSourceConnector>();
        services.AddSinkConnector<MemorySinkConnector>();
        services.AddSinkConnector<ConsoleSinkConnector>();
        services.AddSinkConnector<KafkaSinkConnector>();
        services.AddSinkConnector<ForeachBatchSinkConnector>();
        services.AddSinkConnector<StreamSinkConnector>();
        services.AddSinkConnector<DeltaSinkConnector>();
        services.AddSingleton<ISinkConnector>(new FileSinkConnector(FileSinkFormat.Parquet));
        services.AddSingleton<ISinkConnector>(new FileSinkConnector(FileSinkFormat.Json));
    }

    /// <summary>A registry of the built-in connectors outside a silo (tests, tools).</summary>
    public static ConnectorRegistry CreateRegistry(SluiceOptions? options = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Options.Create(options ?? new SluiceOptions()));
        Register(services);
        return services.BuildServiceProvider().GetRequiredService<ConnectorRegistry>();
    }
}
