using Sluice.Contracts;
using Sluice.Hosting;
using Sluice.Security;
using Sluice.Spec;

namespace Sluice.Tests.Security;

/// <summary>Checkpoint, file sink and table paths stay inside the configured roots, as written and as the file system resolves them.</summary>
public sealed class SpecGuardPathTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-guard", Guid.NewGuid().ToString("N"));

    public SpecGuardPathTests()
    {
        Directory.CreateDirectory(CheckpointRoot);
        Directory.CreateDirectory(Outside);
    }

    private string CheckpointRoot => Path.Combine(_folder, "checkpoints");

    private string Outside => Path.Combine(_folder, "outside");

    private SluiceOptions Options(Action<SluiceOptions>? configure = null)
    {
        var options = new SluiceOptions { CheckpointRoot = CheckpointRoot };
        configure?.Invoke(options);
        return options;
    }

    private static QuerySpec Spec(string? checkpoint = null, SinkSpec? sink = null, SourceSpec? table = null) => new()
    {
        Name = "revenue",
        Source = new SourceSpec { Kind = "memory", Schema = [new("id", "int")] },
        Operators = table is null ? [] : [new JoinSpec(new SubStreamSpec(table, []), "inner", "id = tid")],
        Sink = sink ?? new SinkSpec { Kind = "memory" },
        CheckpointLocation = checkpoint,
    };

    private static SourceSpec Table(string path) => new() { Kind = "table", Path = path, Schema = [new("tid", "int")] };

    private static string TablePath(QuerySpec spec) => ((JoinSpec)spec.Operators[0]).Right.Source.Path!;

    [Fact]
    public void Checkpoint_Absent_IsTheQueryNameUnderTheCheckpointRoot()
    {
        var (_, checkpoint) = new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec());

        Assert.Equal(Path.Combine(CheckpointRoot, "revenue"), checkpoint);
    }

    [Fact]
    public void Checkpoint_InEtc_IsRefusedNamingThePathAndTheRoots()
    {
        var e = Assert.Throws<QueryStartException>(() => new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec("/etc/sluice")));

        Assert.StartsWith("The checkpointLocation '/etc/sluice' resolves to '/etc/sluice', which is not inside an allowed root. " +
            $"Allowed roots: '{CheckpointRoot}' (Sluice:CheckpointRoot and Sluice:AllowedRoots).", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checkpoint_OutsideTheRoot_IsRefusedAndNothingIsCreated()
    {
        var location = Path.Combine(Outside, "cp");

        Assert.Throws<QueryStartException>(() => new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec(location)));

        Assert.False(Directory.Exists(location));
    }

    [Theory]
    [InlineData(".")]
    [InlineData("a/..")]
    public void Checkpoint_TheRootItself_IsRefused(string location) =>
        Assert.Throws<QueryStartException>(() => new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec(location)));

    [Fact]
    public void Checkpoint_DotDotThatStaysInside_IsAllowed()
    {
        var (_, checkpoint) = new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec("team/../revenue"));

        Assert.Equal(Path.Combine(CheckpointRoot, "revenue"), checkpoint);
    }

    [Fact]
    public void Checkpoint_UnderAnAllowedRoot_IsAllowed()
    {
        var location = Path.Combine(Outside, "cp");

        var (_, checkpoint) = new SpecGuard(Options(o => o.AllowedRoots.Add(Outside)), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec(location));

        Assert.Equal(location, checkpoint);
    }

    [Fact]
    public void FileSink_DotDotEscape_IsRefusedNamingTheDotDot()
    {
        var e = Assert.Throws<QueryStartException>(() => new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec(sink: new SinkSpec { Kind = "json", Path = "../../x" })));

        Assert.StartsWith($"The json sink's path '../../x' leads through '..' to '{Path.GetFullPath(Path.Combine(CheckpointRoot, "../../x"))}', which is not inside an allowed root.", e.Message, StringComparison.Ordinal);
        Assert.Contains("Sluice:DataRoot", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetFullPath(Path.Combine(CheckpointRoot, "../../x"))));
    }

    [Fact]
    public void FileSink_ThroughASymlinkLeavingTheRoot_IsRefused()
    {
        Directory.CreateSymbolicLink(Path.Combine(CheckpointRoot, "shared"), Outside);

        var e = Assert.Throws<QueryStartException>(() => new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec(sink: new SinkSpec { Kind = "parquet", Path = "shared/out/revenue" })));

        Assert.Contains($"goes through a symbolic link to '{Path.Combine(Outside, "out", "revenue")}'", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Outside, "out")));
    }

    [Fact]
    public void FileSink_ThroughARelativeSymlinkWithDotDot_IsRefused()
    {
        // A link whose own '..' climbs out: judged where the file system goes, not by the link's name.
        Directory.CreateDirectory(Path.Combine(CheckpointRoot, "a"));
        Directory.CreateSymbolicLink(Path.Combine(CheckpointRoot, "a", "up"), "../../outside");

        Assert.Throws<QueryStartException>(() => new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec(sink: new SinkSpec { Kind = "json", Path = "a/up/x" })));
    }

    [Fact]
    public void FileSink_ThroughASymlinkThatStaysInside_IsAllowed()
    {
        Directory.CreateDirectory(Path.Combine(CheckpointRoot, "real"));
        Directory.CreateSymbolicLink(Path.Combine(CheckpointRoot, "alias"), Path.Combine(CheckpointRoot, "real"));

        new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec(sink: new SinkSpec { Kind = "json", Path = "alias/out" }));
    }

    [Fact]
    public void FileSink_UnderTheDataRoot_IsAllowedAndOutsideItRefused()
    {
        var data = Path.Combine(_folder, "data");
        var options = Options(o => o.DataRoot = data);

        new SpecGuard(options, Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec(sink: new SinkSpec { Kind = "json", Path = Path.Combine(data, "out") }));
        var e = Assert.Throws<QueryStartException>(() => new SpecGuard(options, Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec(sink: new SinkSpec { Kind = "json", Path = Path.Combine(CheckpointRoot, "out") })));
        Assert.Contains($"Allowed roots: '{data}' (Sluice:DataRoot and Sluice:AllowedRoots)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_OutsideTheRoots_IsRefusedBeforeItIsRead()
    {
        var e = Assert.Throws<QueryStartException>(() => new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec(table: Table("/etc/passwd"))));

        Assert.StartsWith("The table source's path '/etc/passwd' resolves to '/etc/passwd', which is not inside an allowed root.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_AFileInItsFolderLinkingOut_IsRefused()
    {
        var users = Directory.CreateDirectory(Path.Combine(CheckpointRoot, "users")).FullName;
        File.WriteAllText(Path.Combine(Outside, "secret.json"), "{\"tid\": 1}\n");
        File.CreateSymbolicLink(Path.Combine(users, "part-0.json"), Path.Combine(Outside, "secret.json"));

        var e = Assert.Throws<QueryStartException>(() => new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec(table: Table("users"))));

        Assert.StartsWith("A file of the table source's path", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Table_RelativePath_IsMadeAbsoluteUnderTheDataRoot()
    {
        var (spec, _) = new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec(table: Table("users/")));

        Assert.Equal(Path.Combine(CheckpointRoot, "users"), TablePath(spec));
    }

    [Fact]
    public void BlobCheckpoint_ByDefault_NoContainerIsAllowed()
    {
        var e = Assert.Throws<QueryStartException>(() => new SpecGuard(Options(), Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec("azblob://checkpoints/revenue")));

        Assert.Equal(
            "The checkpointLocation 'azblob://checkpoints/revenue' is in blob container 'checkpoints', which this silo does not allow " +
            "(allowed: none configured). The operator lists the containers queries may use in Sluice:Blob:AllowedContainers; or use a folder checkpointLocation.",
            e.Message);
    }

    [Fact]
    public void BlobCheckpoint_InAnAllowedContainer_IsAllowedAndAnotherRefused()
    {
        var options = Options(o => o.Blob.AllowedContainers.Add("checkpoints,team-a"));

        Assert.Equal("azblob://team-a/revenue", new SpecGuard(options, Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec("azblob://team-a/revenue")).CheckpointPath);
        Assert.Throws<QueryStartException>(() => new SpecGuard(options, Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Confine(Spec("azblob://team-b/revenue")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
