using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Sluice.Connectors;
using Sluice.State;

namespace Sluice.Hosting;

/// <summary>Wires Sluice's engine into an Orleans silo.</summary>
public static class SluiceSiloBuilderExtensions
{
    /// <summary>
    /// Adds the engine's services (sources, options). A <see cref="SluiceClock"/> registered before this call
    /// (a manual clock in tests and scenarios) drives triggers and batch timestamps; otherwise the system clock.
    /// </summary>
    public static ISiloBuilder AddSluice(this ISiloBuilder builder, Action<SluiceOptions>? configure = null)
    {
        var services = builder.Services;
        var optionsBuilder = services.AddOptions<SluiceOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }
        optionsBuilder.Validate(o =>
        {
            o.Validate();
            Expressions.Functions.RegexFunctions.UseMatchTimeout(o.Limits.RegexMatchTimeout);
            return true;
        });
        services.TryAddSingleton(SluiceClock.Default);
        BuiltInConnectors.Register(services);
        services.AddMetrics();
        services.TryAddSingleton<Diagnostics.SluiceMetrics>();
        services.TryAddSingleton<IStateStoreProvider>(sp => StateStoreProviders.Create(sp.GetRequiredService<IOptions<SluiceOptions>>().Value.State));
        // One error boundary for every grain: no caller gets a serializer error in place of the silo's message.
        builder.AddIncomingGrainCallFilter<Errors.ErrorBoundaryFilter>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, ManagedHeapLimit>();
        services.AddSingleton<SiloDeathWatch>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloDeathWatch>());
        builder.AddMemoryStreams(Contracts.QueryEvents.Provider);
        builder.AddMemoryGrainStorage("PubSubStore");
        return builder;
    }
}
