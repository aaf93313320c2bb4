using Microsoft.Extensions.Time.Testing;
using Sluice.Connectors.Delta;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Tests.Connectors;

/// <summary>The Delta sink's table writes, read back by a reader that knows only the Delta log and Parquet.</summary>
public sealed class DeltaTableWriterTests : IDisposable
{
    private static readonly StreamSchema Schema = new([new Column("id", DataType.Int), new Column("word", DataType.String), new Column("ts", DataType.Timestamp)]);
    private readonly string _table = Path.Combine(Path.GetTempPath(), "sluice-delta", Guid.NewGuid().ToString("N"));
    private readonly Guid _query = Guid.NewGuid();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddDays(20_000));

    private static List<object?[]> Rows(params int[] ids) =>
        ids.Select(i => new object?[] { i, i % 2 == 0 ? null : $"w{i}", DateTime.UnixEpoch.AddSeconds(i) }).ToList();

    private DeltaTableWriter Writer() => new(_table, _query, _time);

    private Task<long> WriteAsync(DeltaTableWriter writer, long batch, OutputMode mode, params List<object?[]>[] writers) =>
        writer.WriteAsync(batch, mode, Schema, writers, static () => { });

    [Fact]
    public async Task CommittedBatches_AreExactlyWhatADeltaReaderSees()
    {
        var writer = Writer();
        Assert.Equal(3, await WriteAsync(writer, 0, OutputMode.Append, Rows(1, 2), Rows(3)));
        Assert.Equal(0, await WriteAsync(writer, 1, OutputMode.Append));
        Assert.Equal(1, await WriteAsync(writer, 2, OutputMode.Append, Rows(4)));
        File.WriteAllText(Path.Combine(_table, "part-99999-orphan.parquet"), "an uncommitted attempt's file");

        var rows = await DeltaTestReader.ReadAsync(_table);

        Assert.Equal([1, 2, 3, 4], rows.Select(r => Convert.ToInt32(r["id"], System.Globalization.CultureInfo.InvariantCulture)).Order());
        Assert.Equal(["w1", "w3"], rows.Where(r => r.GetValueOrDefault("word") is not null).Select(r => (string)r["word"]!).Order());
    }

    [Fact]
    public async Task ReplayedBatch_IsRecognizedByItsTxnAction_ByANewWriterToo()
    {
        await WriteAsync(Writer(), 0, OutputMode.Append, Rows(1, 2));

        Assert.Equal(-1, await WriteAsync(Writer(), 0, OutputMode.Append, Rows(1, 2)));
        Assert.Equal(2, (await DeltaTestReader.ReadAsync(_table)).Count);
        Assert.Single(Directory.GetFiles(Path.Combine(_table, "_delta_log"), "*.json"));
    }

    [Fact]
    public async Task FirstVersion_HasProtocol1And2_MetadataWithSchema_AddsWithStats_AndTheTxn()
    {
        await WriteAsync(Writer(), 7, OutputMode.Append, Rows(1, 2, 3));

        var actions = DeltaTestReader.Actions(_table);
        var protocol = actions.Single(a => a.TryGetProperty("protocol", out _)).GetProperty("protocol");
        Assert.Equal((1, 2), (protocol.GetProperty("minReaderVersion").GetInt32(), protocol.GetProperty("minWriterVersion").GetInt32()));
        var schema = actions.Single(a => a.TryGetProperty("metaData", out _)).GetProperty("metaData").GetProperty("schemaString").GetString();
        Assert.Contains("\"name\":\"id\",\"type\":\"integer\"", schema, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"timestamp\"", schema, StringComparison.Ordinal);
        var stats = System.Text.Json.JsonDocument.Parse(actions.Single(a => a.TryGetProperty("add", out _)).GetProperty("add").GetProperty("stats").GetString()!).RootElement;
        Assert.Equal(3, stats.GetProperty("numRecords").GetInt32());
        Assert.Equal((1, 3), (stats.GetProperty("minValues").GetProperty("id").GetInt32(), stats.GetProperty("maxValues").GetProperty("id").GetInt32()));
        Assert.Equal(1, stats.GetProperty("nullCount").GetProperty("word").GetInt32());
        var txn = actions.Single(a => a.TryGetProperty("txn", out _)).GetProperty("txn");
        Assert.Equal((_query.ToString(), 7L), (txn.GetProperty("appId").GetString(), txn.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task CompleteMode_EachBatchReplacesTheTable()
    {
        var writer = Writer();
        await WriteAsync(writer, 0, OutputMode.Complete, Rows(1, 2));
        await WriteAsync(writer, 1, OutputMode.Complete, Rows(5));

        Assert.Equal([5], (await DeltaTestReader.ReadAsync(_table)).Select(r => Convert.ToInt32(r["id"], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task TwoQueries_OnOneTable_KeepTheirOwnBatchIds()
    {
        await WriteAsync(Writer(), 0, OutputMode.Append, Rows(1));
        var other = new DeltaTableWriter(_table, Guid.NewGuid(), _time);

        Assert.Equal(1, await other.WriteAsync(0, OutputMode.Append, Schema, [Rows(2)], static () => { }));
        Assert.Equal(2, (await DeltaTestReader.ReadAsync(_table)).Count);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_table, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
