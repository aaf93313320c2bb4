using Microsoft.Extensions.Time.Testing;
using Sluice.Checkpointing;
using Sluice.Connectors;
using Sluice.Coordinator;
using Sluice.Hosting;
using Sluice.Spec;

namespace Sluice.Tests.Connectors;

/// <summary>The files source's own rules (Spark's FileStreamSourceSuite): which files a batch takes, in which order, and cleanup.</summary>
public sealed class FilesSourceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sluice-files", Guid.NewGuid().ToString("N"));
    private readonly ConnectorRegistry _registry = BuiltInConnectors.CreateRegistry();

    private string Input => Path.Combine(_root, "in");

    private ICheckpointStore Checkpoint => new FolderCheckpointStore(Path.Combine(_root, "cp"));

    private static SourceSpec Spec(string input, params (string Name, string Json)[] settings) => new()
    {
        Kind = "files",
        Path = input,
        Format = "text",
        Settings = settings.ToDictionary(s => s.Name, s => s.Json),
    };

    private void Write(string name, int secondsOld, string content = "x")
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Input, name))!);
        File.WriteAllText(Path.Combine(Input, name), content + "\n");
        File.SetLastWriteTimeUtc(Path.Combine(Input, name), new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(-secondsOld));
    }

    private Task<List<string>> BatchesAsync(SourceSpec spec) => BatchesAsync(spec, r => r[0]);

    private async Task<List<string>> BatchesAsync(SourceSpec spec, Func<object?[], object?> show)
    {
        var connector = _registry.Source("files");
        connector.Validate(spec, "$.source");
        using var source = connector.CreateSource(new SourceContext(spec, "q", 0, Checkpoint, null!, new FakeTimeProvider()));
        var committed = await source.InitialOffsetsAsync(CancellationToken.None);
        var latest = await source.LatestOffsetsAsync(CancellationToken.None);
        var batches = new List<string>();
        using var reader = connector.CreateReader(new ReaderContext(spec, "q", 0, 0, connector.Schema(spec), null, Checkpoint, null!));
        while (OffsetPlanner.PlanEnd(committed, latest, connector.MaxOffsetsPerTrigger(spec)) is var end && OffsetPlanner.HasNewData(committed, end))
        {
            var rows = new List<object?[]>();
            await reader.ReadAsync(committed[0], end[0], rows, CancellationToken.None);
            batches.Add(string.Join(",", rows.Select(show)));
            committed = end;
        }
        return batches;
    }

    [Fact]
    public async Task MaxFilesPerTrigger_TakesOldestFirst_OneFileABatch()
    {
        Write("b", 20, "b");
        Write("a", 30, "a");
        Write("c", 10, "c");

        Assert.Equal(["a", "b", "c"], await BatchesAsync(Spec(Input, ("maxFilesPerTrigger", "1"))));
    }

    [Fact]
    public async Task LatestFirst_TakesNewestFirst()
    {
        Write("b", 20, "b");
        Write("a", 30, "a");
        Write("c", 10, "c");

        Assert.Equal(["c", "b", "a"], await BatchesAsync(Spec(Input, ("maxFilesPerTrigger", "1"), ("latestFirst", "true"))));
    }

    [Fact]
    public async Task MaxFileAge_IgnoresFilesOlderThanTheNewestSeenMinusTheAge()
    {
        Write("new", 0, "new");
        Assert.Equal(["new"], await BatchesAsync(Spec(Input, ("maxFileAge", "\"1 minute\""))));
        Write("old", 3_600, "old");
        Write("recent", 30, "recent");

        // A new run re-reads from offset 0: "new" again, then "recent"; "old" is past the newest seen minus the age.
        Assert.Equal(["new,recent"], await BatchesAsync(Spec(Input, ("maxFileAge", "\"1 minute\""))));
    }

    [Fact]
    public async Task HiddenAndInProgressNames_AreNeverRead()
    {
        Write(".part-0.tmp", 0, "half");
        Write("_SUCCESS", 0, "marker");
        Write("part-0", 0, "whole");

        Assert.Equal(["whole"], await BatchesAsync(Spec(Input)));
    }

    [Fact]
    public async Task ANewRun_TakesOnlyFilesItHasNotSeen_AndReplaysTheSameFilesForOldOffsets()
    {
        Write("a", 30, "a");
        Assert.Equal(["a"], await BatchesAsync(Spec(Input)));
        Write("b", 0, "b");

        // The new run starts again from offset 0 (nothing committed here): file 0 is still "a", and "a" is not taken twice.
        Assert.Equal(["a,b"], await BatchesAsync(Spec(Input)));
    }

    [Fact]
    public async Task PartitionFolders_AreRead_AndGiveTheirColumnsValues()
    {
        Write("partition=foo/a", 30, """{"value": "a"}""");
        Write("partition=bar/b", 20, """{"value": "b", "partition": "ignored"}""");
        Write("partition=__HIVE_DEFAULT_PARTITION__/c", 15, """{"value": "c"}""");
        Write("plain/d", 10, """{"value": "d"}""");
        Write("_spark_metadata/0", 5, """{"value": "hidden"}""");
        Write(".staging/e", 5, """{"value": "hidden"}""");
        var spec = Spec(Input) with { Format = "json", Schema = [new("value", "string"), new("partition", "string")] };

        Assert.Equal(["a|foo,b|bar,c|,d|"], await BatchesAsync(spec, r => $"{r[0]}|{r[1]}"));
    }

    [Fact]
    public async Task PartitionValues_TakeTheColumnsType()
    {
        Write("year=2026/day=7/a", 10, """{"value": "a"}""");
        Write("year=soon/day=8/b", 5, """{"value": "b"}""");
        var spec = Spec(Input) with { Format = "json", Schema = [new("value", "string"), new("YEAR", "int"), new("day", "long")] };

        Assert.Equal(["a|2026|7,b||8"], await BatchesAsync(spec, r => $"{r[0]}|{r[1]}|{r[2]}"));
    }

    [Theory]
    [InlineData("""{"kind": "files", "format": "text"}""", """{"kind": "memory"}""", "a files source needs a path")]
    [InlineData("""{"kind": "rate"}""", """{"kind": "parquet"}""", "a parquet sink needs a path")]
    [InlineData("""{"kind": "rate"}""", """{"kind": "json"}""", "a json sink needs a path")]
    public void MissingPath_IsNamedAtStart_NotANullReference(string source, string sink, string message)
    {
        var guard = new Sluice.Security.SpecGuard(new SluiceOptions { CheckpointRoot = _root }, _registry);
        var spec = SpecReader.Read("""{"name": "q", "source": """ + source + """, "sink": """ + sink + "}");

        var e = Assert.ThrowsAny<Exception>(() => guard.Confine(spec));

        Assert.IsNotType<NullReferenceException>(e);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArchiveFolder_InsideTheSourceFolder_IsRefused()
    {
        var guard = new Sluice.Security.SpecGuard(new SluiceOptions { CheckpointRoot = _root }, _registry);
        var spec = SpecReader.Read("""{"name": "q", "source": {"kind": "files", "path": "in", "format": "text", "cleanSource": "archive", "sourceArchiveDir": "in/archive"}, "sink": {"kind": "memory"}}""");

        var e = Assert.ThrowsAny<Exception>(() => guard.Confine(spec));

        Assert.Contains("inside the source folder", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("archive")]
    public async Task CleanSource_AfterCommit_DeletesOrArchivesTheBatchFiles(string mode)
    {
        Write("a", 30, "a");
        Write("b", 20, "b");
        var archive = Path.Combine(_root, "archive");
        var spec = Spec(Input, ("cleanSource", $"\"{mode}\""), ("sourceArchiveDir", $"\"{archive.Replace("\\", "\\\\", StringComparison.Ordinal)}\""), ("maxFilesPerTrigger", "1"));
        var connector = _registry.Source("files");
        var context = new SourceContext(spec, "q", 0, Checkpoint, null!, new FakeTimeProvider());
        using var source = connector.CreateSource(context);
        await source.LatestOffsetsAsync(CancellationToken.None);
        using var cleaner = connector.CreateOffsetCommitter(context)!;

        await cleaner.CommitAsync(new Dictionary<int, long> { [0] = 1 }, CancellationToken.None);

        Assert.False(File.Exists(Path.Combine(Input, "a")));
        Assert.True(File.Exists(Path.Combine(Input, "b")));
        var archived = Path.Combine(archive, Path.GetFullPath(Path.Combine(Input, "a"))[Path.GetPathRoot(Input)!.Length..]);
        Assert.Equal(mode == "archive", File.Exists(archived));
    }

    [Theory]
    [InlineData("""{"kind": "files", "format": "json", "schema": {"a": "int"}}""", "$.source.path")]
    [InlineData("""{"kind": "files", "path": "in", "format": "json"}""", "$.source.schema")]
    [InlineData("""{"kind": "files", "path": "in", "format": "text", "cleanSource": "archive"}""", "$.source.sourceArchiveDir")]
    [InlineData("""{"kind": "files", "path": "in", "format": "text", "cleanSource": "move"}""", "$.source.cleanSource")]
    [InlineData("""{"kind": "files", "path": "in", "format": "text", "maxFilesPerTrigger": 0}""", "$.source.maxFilesPerTrigger")]
    [InlineData("""{"kind": "files", "path": "in", "format": "text", "maxFileAge": "forever"}""", "$.source.maxFileAge")]
    [InlineData("""{"kind": "files", "path": "in", "format": "text", "maxFilePerTrigger": 1}""", "$.source.maxFilePerTrigger")]
    public void BadSpec_NamesTheField(string source, string path)
    {
        var spec = SpecReader.Read("""{"name": "q", "source": """ + source + """, "sink": {"kind": "memory"}}""");

        var e = Assert.Throws<SpecException>(() => _registry.Source("files").Validate(spec.Source, "$.source"));

        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void Path_OutsideTheDataRoots_IsRefusedAtStart()
    {
        var guard = new Sluice.Security.SpecGuard(new SluiceOptions { CheckpointRoot = _root }, _registry);
        var spec = SpecReader.Read("""{"name": "q", "source": {"kind": "files", "path": "/etc", "format": "text"}, "sink": {"kind": "memory"}}""");

        var e = Assert.Throws<Sluice.Contracts.QueryStartException>(() => guard.Confine(spec));

        Assert.Contains("files source's path", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
