using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Sluice.Hosting;

/// <summary>
/// Sets <see cref="SluiceOptions.ManagedHeapLimitMb"/> as the GC's hard heap limit when the silo starts, first of its
/// services: the runtime reads <c>GCHeapHardLimit</c> from the application's data on <see cref="GC.RefreshMemoryLimit"/>,
/// so the limit comes from the silo's settings like any other, not from an environment variable set before the process.
/// </summary>
internal sealed class ManagedHeapLimit(IOptions<SluiceOptions> options) : ILifecycleParticipant<ISiloLifecycle>
{
    private const string HardLimitSetting = "GCHeapHardLimit";

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ManagedHeapLimit), ServiceLifecycleStage.First, _ =>
        {
            Apply(options.Value.ManagedHeapLimitMb);
            return Task.CompletedTask;
        });

    /// <summary>Sets the process's hard heap limit to <paramref name="limitMb"/> MiB; 0 leaves the runtime's.</summary>
    public static void Apply(long limitMb)
    {
        if (limitMb == 0)
        {
            return;
        }
        AppContext.SetData(HardLimitSetting, (ulong)limitMb << 20);
        try
        {
            GC.RefreshMemoryLimit();
        }
        catch (InvalidOperationException e)
        {
            var committedMb = GC.GetGCMemoryInfo().TotalCommittedBytes >> 20;
            throw new InvalidOperationException(
                $"Sluice:ManagedHeapLimitMb is {limitMb} MiB, but the runtime refused it ({e.Message}); the managed heap has " +
                $"{committedMb} MiB committed already: set a larger limit, or 0 for the runtime's.", e);
        }
    }
}
