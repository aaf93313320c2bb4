using Sluice.Contracts;
using Sluice.Hosting;
using Sluice.Security;
using Sluice.Spec;

namespace Sluice.Tests.Security;

/// <summary>Kafka options that load code, run commands or touch local files need the operator's leave; brokers may be limited.</summary>
public sealed class KafkaSettingsPolicyTests
{
    private static QuerySpec Spec(Dictionary<string, string> options, string? servers = null, bool inJoin = false)
    {
        var kafka = new SourceSpec { Kind = "kafka", Topic = "events", BootstrapServers = servers, Options = options, Schema = [new("id", "int")] };
        var memory = new SourceSpec { Kind = "memory", Schema = [new("id", "int")] };
        return new QuerySpec
        {
            Name = "revenue",
            Source = inJoin ? memory : kafka,
            Operators = inJoin ? [new JoinSpec(new SubStreamSpec(kafka, []), "inner", "id = id")] : [],
            Sink = new SinkSpec { Kind = "memory" },
        };
    }

    private static SpecGuard Guard(Action<SluiceOptions>? configure = null)
    {
        var options = new SluiceOptions { CheckpointRoot = Path.Combine(Path.GetTempPath(), "sluice-guard-kafka"), KafkaBootstrapServers = "kafka:9092" };
        configure?.Invoke(options);
        return new SpecGuard(options, Sluice.Connectors.BuiltInConnectors.CreateRegistry());
    }

    [Fact]
    public void PluginLibraryPaths_IsRefusedNamingTheSettingAndHowToAllowIt()
    {
        var e = Assert.Throws<QueryStartException>(() => Guard().Confine(Spec(new() { ["plugin.library.paths"] = "/tmp/evil.so" })));

        Assert.Equal(
            "The kafka source on topic 'events' sets the Kafka option 'plugin.library.paths', which loads native libraries into the silo, " +
            "so a spec may not set it. If this silo's operator trusts every spec author with it, add 'plugin.library.paths' to " +
            "Sluice:Kafka:AllowedSettings in the silo's configuration (e.g. Sluice__Kafka__AllowedSettings__0); otherwise remove the option.",
            e.Message);
    }

    [Theory]
    [InlineData("kafka.plugin.library.paths")]
    [InlineData("Plugin.Library.Paths")]
    [InlineData("ssl.ca.location")]
    [InlineData("ssl.certificate.location")]
    [InlineData("ssl.key.location")]
    [InlineData("ssl.keystore.location")]
    [InlineData("ssl.crl.location")]
    [InlineData("ssl.engine.location")]
    [InlineData("ssl.engine.id")]
    [InlineData("ssl.providers")]
    [InlineData("https.ca.location")]
    [InlineData("sasl.kerberos.kinit.cmd")]
    [InlineData("sasl.kerberos.keytab")]
    [InlineData("sasl.oauthbearer.method")]
    [InlineData("sasl.oauthbearer.token.endpoint.url")]
    [InlineData("sasl.oauthbearer.assertion.private.key.file")]
    [InlineData("offset.store.path")]
    [InlineData("offset.store.method")]
    [InlineData("oauthbearer_token_refresh_cb")]
    public void RestrictedSetting_IsRefused_InTheMainSourceAndInAJoinedOne(string key)
    {
        Assert.Throws<QueryStartException>(() => Guard().Confine(Spec(new() { [key] = "x" })));
        Assert.Throws<QueryStartException>(() => Guard().Confine(Spec(new() { [key] = "x" }, inJoin: true)));
    }

    [Theory]
    [InlineData("kafka.fetch.max.bytes")]
    [InlineData("security.protocol")]
    [InlineData("sasl.mechanisms")]
    [InlineData("sasl.username")]
    [InlineData("sasl.password")]
    [InlineData("ssl.ca.pem")]
    [InlineData("kafka.isolation.level")]
    [InlineData("group.id")]
    [InlineData("debug")]
    public void OrdinarySetting_Passes(string key) =>
        Guard().Confine(Spec(new() { [key] = "x" }));

    [Fact]
    public void RestrictedSetting_PassesWhenTheOperatorAllowsIt_ByNameOrFamily()
    {
        var guard = Guard(o => o.Kafka.AllowedSettings.AddRange(["ssl.ca.location", "sasl.oauthbearer.*, plugin.library.paths"]));

        guard.Confine(Spec(new() { ["kafka.ssl.ca.location"] = "/etc/ssl/ca.pem", ["sasl.oauthbearer.method"] = "oidc", ["plugin.library.paths"] = "monitoring" }));
        Assert.Throws<QueryStartException>(() => guard.Confine(Spec(new() { ["ssl.key.location"] = "/etc/ssl/key.pem" })));
    }

    [Fact]
    public void BootstrapServers_AnyByDefault()
    {
        Guard().Confine(Spec([], servers: "elsewhere:9092"));
    }

    [Fact]
    public void BootstrapServers_OutsideTheAllowedList_AreRefused_TheSilosOwnAndListedOnesPass()
    {
        var guard = Guard(o => o.Kafka.AllowedBootstrapServers.Add("broker-1:9092,broker-2:9092"));

        guard.Confine(Spec([], servers: "broker-2:9092, broker-1:9092"));
        guard.Confine(Spec([], servers: "kafka:9092"));
        guard.Confine(Spec([]));
        var e = Assert.Throws<QueryStartException>(() => guard.Confine(Spec([], servers: "broker-1:9092,evil:9092", inJoin: true)));
        Assert.StartsWith("The kafka source on topic 'events' names the bootstrap servers 'evil:9092', which this silo does not allow. " +
            "Allowed: broker-1:9092, broker-2:9092, kafka:9092 (Sluice:Kafka:AllowedBootstrapServers).", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BootstrapServers_OfAKafkaSink_AreCheckedToo()
    {
        var guard = Guard(o => o.Kafka.AllowedBootstrapServers.Add("broker-1:9092"));
        var spec = Spec([]) with { Sink = new SinkSpec { Kind = "kafka", Topic = "out", BootstrapServers = "evil:9092" } };

        var e = Assert.Throws<QueryStartException>(() => guard.Confine(spec));

        Assert.StartsWith("The kafka sink on topic 'out' names the bootstrap servers 'evil:9092'", e.Message, StringComparison.Ordinal);
    }
}
