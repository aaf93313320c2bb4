using Microsoft.Extensions.DependencyInjection;
using Sluice.Silo.Hosting;
using Sluice.Silo.Http;

namespace Sluice.IntegrationTests;

/// <summary>Where the silo's API keys come from, and when it refuses to start without one. No silo is started.</summary>
public sealed class HttpApiKeysTests
{
    private const string Key = "0123456789abcdef0123";

    private static HttpApiKeys KeysOf(params string[] args)
    {
        var builder = SluiceHost.CreateBuilder(["--quiet", "--Kafka:Embedded=false", .. args]);
        return (HttpApiKeys)builder.Services.Single(d => d.ServiceType == typeof(HttpApiKeys)).ImplementationInstance!;
    }

    [Fact]
    public void ClusterMode_WithoutKey_RefusesToStart_NamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => KeysOf("--Silo:Mode=cluster"));

        Assert.Contains("Http:ApiKeys", error.Message, StringComparison.Ordinal);
        Assert.Contains("Http__ApiKeys__0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("192.168.1.20")]
    [InlineData("*")]
    public void EmbeddedMode_OnAReachableInterface_WithoutKey_RefusesToStart(string host)
    {
        var error = Assert.Throws<InvalidOperationException>(() => KeysOf($"--Http:Host={host}"));

        Assert.Contains($"Http:Host is '{host}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Http:ApiKeys", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    public void EmbeddedMode_OnLoopback_WithoutKey_GeneratesOne(string host)
    {
        var keys = KeysOf($"--Http:Host={host}");

        Assert.Matches("^[0-9a-f]{48}$", keys.GeneratedKey);
        Assert.True(keys.Matches(keys.GeneratedKey!));
        Assert.NotEqual(keys.GeneratedKey, KeysOf($"--Http:Host={host}").GeneratedKey);
    }

    [Fact]
    public void ConfiguredKeys_AreTheOnlyOnesAccepted_AndNoneIsGenerated()
    {
        var keys = KeysOf("--Http:Host=0.0.0.0", $"--Http:ApiKeys:0={Key}", "--Http:ApiKeys:1=another-key-of-20-chars");

        Assert.Null(keys.GeneratedKey);
        Assert.True(keys.Matches(Key));
        Assert.True(keys.Matches("another-key-of-20-chars"));
        Assert.False(keys.Matches(Key + "x"));
        Assert.False(keys.Matches(""));
        Assert.False(keys.Matches(HttpApiKeys.CookieValue(Key)));
        Assert.True(keys.MatchesCookie(HttpApiKeys.CookieValue(Key)));
        Assert.False(keys.MatchesCookie(Key));
    }

    [Fact]
    public void ClusterMode_WithAKey_PassesTheKeyCheck()
    {
        // With a key, the start gets past the key check to the next cluster setting (Redis, not configured here).
        var error = Assert.Throws<InvalidOperationException>(() => KeysOf("--Silo:Mode=cluster", $"--Http:ApiKeys:0={Key}"));

        Assert.Contains("Redis:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AShortKey_IsRefused()
    {
        var error = Assert.Throws<InvalidOperationException>(() => KeysOf("--Http:ApiKeys:0=secret"));

        Assert.Contains("Http:ApiKeys:0 has 6 characters", error.Message, StringComparison.Ordinal);
    }
}
