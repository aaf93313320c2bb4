using Sluice.Diagnostics;

namespace Sluice.Tests.Sinks;

/// <summary>The <c>sinkWrite</c> point's <c>:throw</c> mode, armed in-process for one sink.</summary>
public sealed class FaultInjectionTests
{
    [Fact]
    public void SinkWriteThrow_FailsOnceAtItsBatchAndScopeOnly()
    {
        var scope = "query-" + Guid.NewGuid().ToString("N");
        using (FaultInjection.Arm("sinkWrite@3:throw", scope))
        {
            FaultInjection.Hit(FaultInjection.SinkWrite, 2, scope);
            FaultInjection.Hit(FaultInjection.SinkWrite, 3, "another sink");
            var e = Assert.Throws<IOException>(() => FaultInjection.Hit(FaultInjection.SinkWrite, 3, scope));
            Assert.Equal("SLUICE_FAULT: batch 3 failed at sinkWrite (injected)", e.Message);
            FaultInjection.Hit(FaultInjection.SinkWrite, 3, scope);
        }
    }

    [Theory]
    [InlineData("sinkWrite@3:explode")]
    [InlineData("sinkWrite@3:kill")]
    [InlineData("sinkWrite3:throw")]
    [InlineData("nowhere@3:throw")]
    public void Arm_NotAFault_SaysWhatItTakes(string fault)
    {
        var e = Assert.Throws<InvalidOperationException>(() => FaultInjection.Arm(fault, "x"));
        Assert.Contains("<point>@<batchId>[:lose|:throw]", e.Message, StringComparison.Ordinal);
    }
}
