using Microsoft.Extensions.Time.Testing;
using Sluice.Checkpointing;
using Sluice.Connectors;
using Sluice.Hosting;
using Sluice.Spec;

namespace Sluice.Tests.Connectors;

/// <summary>
/// What every replayable source connector promises, run against each (as the state stores' contract base): a batch's
/// offset range read again, by a new reader of a new run, gives the same rows; new records move the offsets on; and a
/// bad spec part is refused with the path of the bad field.
/// </summary>
public abstract class SourceConnectorContractTests : IDisposable
{
    protected SourceConnectorContractTests()
    {
        Directory.CreateDirectory(Root);
        Registry = BuiltInConnectors.CreateRegistry(new SluiceOptions { CheckpointRoot = Root });
    }

    protected string Root { get; } = Path.Combine(Path.GetTempPath(), "sluice-src-contract", Guid.NewGuid().ToString("N"));

    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.UnixEpoch.AddSeconds(1_000));

    private ConnectorRegistry Registry { get; }

    /// <summary>A valid spec part of the connector under test.</summary>
    protected abstract SourceSpec Spec { get; }

    /// <summary>A spec part with one bad field, and that field's path.</summary>
    protected abstract (SourceSpec Spec, string Path) BadSpec { get; }

    /// <summary>Makes new records available to the source (a file, clock time, ...).</summary>
    protected abstract Task AddRecordsAsync(int batch);

    [Fact]
    public async Task Replay_OfABatchByANewRun_GivesTheSameRows()
    {
        var (start, end, first) = await PlanAndReadAsync();
        await AddRecordsAsync(1);

        var again = await ReadAsync(start, end);

        Assert.NotEmpty(first);
        Assert.Equal(Describe(first), Describe(again));
    }

    [Fact]
    public async Task NewRecords_MoveTheOffsetsOn_AndReadAsNewRows()
    {
        var (_, end, first) = await PlanAndReadAsync();
        await AddRecordsAsync(1);

        using var source = Connector.CreateSource(Context());
        await source.InitialOffsetsAsync(CancellationToken.None);
        var latest = await source.LatestOffsetsAsync(CancellationToken.None);
        var next = await ReadAsync(end, latest);

        Assert.True(latest.Sum(p => p.Value) > end.Sum(p => p.Value));
        Assert.NotEmpty(next);
        Assert.NotEqual(Describe(first), Describe(next));
    }

    [Fact]
    public void BadSpecPart_IsRefusedNamingTheField()
    {
        var (spec, path) = BadSpec;

        var e = Assert.Throws<SpecException>(() => Registry.Source(spec.Kind).Validate(spec, "$.source"));

        Assert.Equal(path, e.Path);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private ISourceConnector Connector => Registry.Source(Spec.Kind);

    private ICheckpointStore Checkpoint => new FolderCheckpointStore(Path.Combine(Root, "checkpoint"));

    private SourceContext Context() => new(Spec, "q", 0, Checkpoint, null!, Time);

    private async Task<(IReadOnlyDictionary<int, long> Start, IReadOnlyDictionary<int, long> End, List<object?[]> Rows)> PlanAndReadAsync()
    {
        Connector.Validate(Spec, "$.source");
        using var source = Connector.CreateSource(Context());
        var start = await source.InitialOffsetsAsync(CancellationToken.None);
        await AddRecordsAsync(0);
        var end = await source.LatestOffsetsAsync(CancellationToken.None);
        return (start, end, await ReadAsync(start, end, source.ReaderContext));
    }

    private async Task<List<object?[]>> ReadAsync(IReadOnlyDictionary<int, long> start, IReadOnlyDictionary<int, long> end, string? planning = null)
    {
        if (planning is null)
        {
            using var source = Connector.CreateSource(Context());
            await source.InitialOffsetsAsync(CancellationToken.None);
            planning = source.ReaderContext;
        }
        var rows = new List<object?[]>();
        foreach (var (partition, until) in end.OrderBy(p => p.Key))
        {
            var schema = Connector.Schema(Spec);
            using var reader = Connector.CreateReader(new ReaderContext(Spec, "q", 0, partition, schema, planning, Checkpoint, null!));
            await reader.ReadAsync(start.GetValueOrDefault(partition), until, rows, CancellationToken.None);
        }
        return rows;
    }

    private static List<string> Describe(List<object?[]> rows) =>
        rows.Select(r => string.Join("|", r.Select(v => v is DateTime t ? t.ToString("O") : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)))).ToList();
}

public sealed class RateSourceContractTests : SourceConnectorContractTests
{
    protected override SourceSpec Spec => new() { Kind = "rate", RowsPerSecond = 5 };

    protected override (SourceSpec Spec, string Path) BadSpec => (Spec with { Settings = new Dictionary<string, string> { ["rowsPerSec"] = "5" } }, "$.source.rowsPerSec");

    protected override Task AddRecordsAsync(int batch)
    {
        Time.Advance(TimeSpan.FromSeconds(2));
        return Task.CompletedTask;
    }
}

public sealed class GeneratorSourceContractTests : SourceConnectorContractTests
{
    private long _events = 40;

    protected override SourceSpec Spec => new() { Kind = "generator", Options = new Dictionary<string, string> { ["events"] = $"{_events}", ["partitions"] = "2" } };

    protected override (SourceSpec Spec, string Path) BadSpec => (Spec with { Options = new Dictionary<string, string> { ["events"] = "many" } }, "$.source.options");

    // The generator's events are fixed by its spec: more events is a larger spec over the same sequence.
    protected override Task AddRecordsAsync(int batch)
    {
        _events = 40 * (batch + 1);
        return Task.CompletedTask;
    }
}
