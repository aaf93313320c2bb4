using Microsoft.Extensions.DependencyInjection;

namespace Sluice.Connectors;

/// <summary>
/// Registers a connector with a silo: one line per kind, e.g. <c>services.AddSourceConnector&lt;NexmarkConnector&gt;()</c>
/// in the silo host (after <c>AddSluice</c> to replace a built-in kind).
/// </summary>
public static class ConnectorServiceCollectionExtensions
{
    public static IServiceCollection AddSourceConnector<T>(this IServiceCollection services)
        where T : class, ISourceConnector =>
        services.AddSingleton<ISourceConnector, T>();

    public static IServiceCollection AddSinkConnector<T>(this IServiceCollection services)
        where T : class, ISinkConnector =>
        services.AddSingleton<ISinkConnector, T>();

    public static ISiloBuilder AddSourceConnector<T>(this ISiloBuilder builder)
        where T : class, ISourceConnector
    {
        builder.Services.AddSourceConnector<T>();
        return builder;
    }

    public static ISiloBuilder AddSinkConnector<T>(this ISiloBuilder builder)
        where T : class, ISinkConnector
    {
        builder.Services.AddSinkConnector<T>();
        return builder;
    }
}
