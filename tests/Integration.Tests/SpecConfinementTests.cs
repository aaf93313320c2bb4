using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

/// <summary>A spec that reaches outside the silo's roots, or asks librdkafka to load code, is refused at start with nothing written.</summary>
[Collection(SiloCollection.Name)]
public sealed class SpecConfinementTests(SiloFixture silo)
{
    private static string Name() => "c" + Guid.NewGuid().ToString("N")[..10];

    private static QuerySpec Spec(string name, SourceSpec? source = null, SinkSpec? sink = null, string? checkpoint = null) => new()
    {
        Name = name,
        Source = source ?? new SourceSpec { Kind = "memory", Name = "m" + name, Schema = [new("id", "int")] },
        Sink = sink ?? new SinkSpec { Kind = "memory" },
        Trigger = TriggerSpec.Manual,
        CheckpointLocation = checkpoint,
    };

    private string DefaultCheckpoint(string name) => Path.Combine(silo.CheckpointRoot, name);

    [Fact]
    public async Task Start_CheckpointInEtc_IsRefusedNamingThePathAndTheRoot_AndNothingIsWritten()
    {
        var location = "/etc/sluice/" + Name();

        var e = await Assert.ThrowsAsync<QueryStartException>(() => silo.Client.StartAsync(Spec(Name(), checkpoint: location)));

        Assert.Contains($"The checkpointLocation '{location}'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"Allowed roots: '{silo.CheckpointRoot}'", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(location));
    }

    [Fact]
    public async Task Start_FileSinkEscapingWithDotDot_IsRefused_AndNothingIsWritten()
    {
        var name = Name();
        var path = "../../x-" + name;

        var e = await Assert.ThrowsAsync<QueryStartException>(() => silo.Client.StartAsync(Spec(name, sink: new SinkSpec { Kind = "json", Path = path })));

        Assert.StartsWith($"The json sink's path '{path}' leads through '..' to", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetFullPath(Path.Combine(silo.CheckpointRoot, path))));
        Assert.False(Directory.Exists(DefaultCheckpoint(name)));
    }

    [Fact]
    public async Task Start_TableOutsideTheRoots_IsRefusedBeforeItIsRead()
    {
        var name = Name();
        var table = new SourceSpec { Kind = "table", Path = "/etc/passwd", Schema = [new("tid", "int")], Mode = "FAILFAST" };
        var spec = Spec(name) with { Operators = [new JoinSpec(new SubStreamSpec(table, []), "inner", "id = tid")] };

        var e = await Assert.ThrowsAsync<QueryStartException>(() => silo.Client.StartAsync(spec));

        Assert.StartsWith("The table source's path '/etc/passwd' resolves to '/etc/passwd', which is not inside an allowed root.", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DefaultCheckpoint(name)));
    }

    [Fact]
    public async Task Start_KafkaPluginLibraryPaths_IsRefusedNamingTheSetting_AndNothingIsWritten()
    {
        var name = Name();
        var source = new SourceSpec
        {
            Kind = "kafka",
            Topic = silo.CreateTopic(),
            BootstrapServers = silo.BootstrapServers,
            Schema = [new("id", "int")],
            Options = new Dictionary<string, string> { ["kafka.plugin.library.paths"] = "/tmp/sluice-no-such-plugin.so" },
        };

        var e = await Assert.ThrowsAsync<QueryStartException>(() => silo.Client.StartAsync(Spec(name, source: source)));

        Assert.StartsWith("The kafka source on topic", e.Message, StringComparison.Ordinal);
        Assert.Contains("'kafka.plugin.library.paths', which loads native libraries into the silo", e.Message, StringComparison.Ordinal);
        Assert.Contains("Sluice:Kafka:AllowedSettings", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(DefaultCheckpoint(name)));
    }

    [Fact]
    public async Task Start_NameThatClimbsOutOfTheRoot_IsRefused_AndNothingIsWritten()
    {
        var name = "../" + Name();

        var e = await Assert.ThrowsAsync<QueryStartException>(() => silo.Client.StartAsync(Spec(name)));

        Assert.StartsWith($"The query name '{name}' is not allowed", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetFullPath(DefaultCheckpoint(name))));
    }
}
