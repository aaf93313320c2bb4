using Sluice.Hosting;

namespace Sluice.Tests.Operators;

/// <summary>
/// <see cref="SluiceOptions.ManagedHeapLimitMb"/>: the silo's setting becomes the GC's hard heap limit. The limit is the
/// process's, so these run alone and put the runtime's back afterwards; the limit they set (64 GiB) bounds nothing
/// another test would reach.
/// </summary>
[Collection(nameof(ManagedHeapLimitTests))]
[CollectionDefinition(nameof(ManagedHeapLimitTests), DisableParallelization = true)]
public sealed class ManagedHeapLimitTests : IDisposable
{
    private const long LimitMb = 64L * 1024;

    public void Dispose()
    {
        // 0 is the setting's "not set": the runtime's limit again.
        AppContext.SetData("GCHeapHardLimit", 0UL);
        GC.RefreshMemoryLimit();
    }

    [Fact]
    public void ALimit_BecomesTheGcsHardLimit()
    {
        ManagedHeapLimit.Apply(LimitMb);
        // The GC reports its limits as of its last collection.
        GC.Collect(0);
        Assert.Equal(LimitMb << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
    }

    [Fact]
    public void NoLimit_LeavesTheRuntimes()
    {
        GC.Collect(0);
        var before = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        ManagedHeapLimit.Apply(0);
        GC.Collect(0);
        Assert.Equal(before, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
    }

    [Fact]
    public void ALimitBelowTheCommittedHeap_IsRefusedNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ManagedHeapLimit.Apply(1));
        Assert.Contains("Sluice:ManagedHeapLimitMb is 1 MiB", error.Message);
    }

    [Fact]
    public void ANegativeLimit_IsRejectedNamingTheSetting()
    {
        var options = new SluiceOptions { ManagedHeapLimitMb = -1 };
        var error = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("Sluice:ManagedHeapLimitMb", error.Message);
    }
}
