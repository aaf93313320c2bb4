using Sluice.Silo.Hosting;

namespace Sluice.IntegrationTests;

/// <summary>A setting this build no longer reads stops the silo at start instead of being silently ignored. No silo is started.</summary>
public sealed class RetiredSettingsTests
{
    [Fact]
    public void StateMinVersionsToRetain_RefusesToStart_NamingTheQueryOptionThatReplacedIt()
    {
        var error = Assert.Throws<InvalidOperationException>(
            () => SluiceHost.CreateBuilder(["--quiet", "--Kafka:Embedded=false", "--Sluice:State:MinVersionsToRetain=50"]));

        Assert.Contains("Sluice:State:MinVersionsToRetain is no longer read", error.Message, StringComparison.Ordinal);
        Assert.Contains("minBatchesToRetain", error.Message, StringComparison.Ordinal);
    }
}
