using Microsoft.Extensions.Time.Testing;
using Sluice.Checkpointing;
using Sluice.Connectors.Rate;

namespace Sluice.Tests.Sources;

public sealed class RateSourceTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sluice-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));

    [Fact]
    public async Task Latest_GrowsByRowsPerSecondAsTheClockMoves()
    {
        using var source = new RateStreamSource(new FolderCheckpointStore(_folder), 0, rowsPerSecond: 100, _clock);
        Assert.Equal(0, (await source.InitialOffsetsAsync(default))[0]);

        _clock.Advance(TimeSpan.FromMilliseconds(2_500));

        Assert.Equal(250, (await source.LatestOffsetsAsync(default))[0]);
    }

    [Fact]
    public async Task Reader_StampsEachValueFromTheStartTime()
    {
        using var source = new RateStreamSource(new FolderCheckpointStore(_folder), 0, rowsPerSecond: 4, _clock);
        await source.InitialOffsetsAsync(default);
        using var reader = new RatePartitionReader(source.StartMs, 4);
        var rows = new List<object?[]>();

        var result = await reader.ReadAsync(2, 6, rows, default);

        Assert.Equal(4, result.RecordsRead);
        Assert.Equal([2L, 3L, 4L, 5L], rows.Select(r => (long)r[1]!));
        Assert.Equal(DateTime.UnixEpoch.AddMilliseconds(1_000_500), rows[0][0]);
        Assert.Equal(DateTime.UnixEpoch.AddMilliseconds(1_001_250), rows[3][0]);
    }

    [Theory]
    [InlineData(1500, 1, 1)] // 0.667 ms rounds up (Spark's 'microbatch - uniform distribution of event timestamps')
    [InlineData(1500, 2, 1)] // 1.333 ms rounds down
    [InlineData(1500, 1501, 1001)] // the next second starts over
    [InlineData(16, 1, 63)] // 62.5 ms: half up, as Scala's math.round
    [InlineData(10, 7, 700)]
    public void Stamp_IsTheValuesPlaceInItsSecondRoundedHalfUp(long rowsPerSecond, long value, long expectedMs)
    {
        Assert.Equal(expectedMs, RatePartitionReader.RelativeMs(value, rowsPerSecond));
    }

    [Fact]
    public async Task Restart_KeepsTheStartTimeFromTheCheckpoint()
    {
        var store = new FolderCheckpointStore(_folder);
        using (var first = new RateStreamSource(store, 0, 10, _clock))
        {
            await first.InitialOffsetsAsync(default);
        }
        _clock.Advance(TimeSpan.FromSeconds(30));

        using var second = new RateStreamSource(store, 0, 10, _clock);
        await second.InitialOffsetsAsync(default);

        Assert.Equal(1_000_000, second.StartMs);
        Assert.Equal(300, (await second.LatestOffsetsAsync(default))[0]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
