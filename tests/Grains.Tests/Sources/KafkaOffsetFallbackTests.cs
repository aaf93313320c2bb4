using Sluice.Connectors.Kafka;
using Sluice.Spec;
using KafkaErrorCode = Confluent.Kafka.ErrorCode;

namespace Sluice.Tests.Sources;

/// <summary>
/// Brokers whose admin ListOffsets fails: the embedded broker answers the next ListOffsets requests with an error,
/// and the source resolves earliest and latest offsets from the consumer's watermark query instead. Each test owns its
/// broker, since injected errors apply to every client of it.
/// </summary>
public sealed class KafkaOffsetFallbackTests : IDisposable
{
    private const short ListOffsetsApi = 2;

    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start();

    public KafkaOffsetFallbackTests()
    {
        _kafka.CreateTopic("ev", 3);
        KafkaTestData.Produce(_kafka.BootstrapServers, "ev", 0, KafkaTestData.Ids(0, 4));
        KafkaTestData.Produce(_kafka.BootstrapServers, "ev", 2, KafkaTestData.Ids(0, 6));
        _kafka.DeleteRecords("ev", 2, 2);
    }

    private KafkaStreamSource Source(string startingOffsets) => new(
        new SourceSpec { Kind = "kafka", Topic = "ev", StartingOffsets = startingOffsets, Options = new Dictionary<string, string>() },
        _kafka.BootstrapServers,
        TimeSpan.FromSeconds(5));

    [Fact]
    public async Task InitialOffsets_Earliest_AdminListOffsetsFails_AreTheLowWatermarks()
    {
        using var source = Source("earliest");
        _kafka.FailRequests(ListOffsetsApi, 1, KafkaErrorCode.InvalidRequest);

        var initial = await source.InitialOffsetsAsync(CancellationToken.None);

        Assert.Equal(new Dictionary<int, long> { [0] = 0, [1] = 0, [2] = 2 }, initial);
    }

    [Fact]
    public async Task LatestOffsets_AdminListOffsetsFails_AreTheHighWatermarks()
    {
        using var source = Source("latest");
        _kafka.FailRequests(ListOffsetsApi, 1, KafkaErrorCode.InvalidRequest);

        var latest = await source.LatestOffsetsAsync(CancellationToken.None);

        Assert.Equal(new Dictionary<int, long> { [0] = 4, [1] = 0, [2] = 6 }, latest);
    }

    [Fact]
    public async Task LatestOffsets_AdminAndWatermarkQueryFail_SayBoth()
    {
        using var source = Source("latest");
        _kafka.FailRequests(ListOffsetsApi, 20, KafkaErrorCode.InvalidRequest);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => source.LatestOffsetsAsync(CancellationToken.None));

        Assert.StartsWith($"Kafka at {_kafka.BootstrapServers} could not list offsets of topic 'ev' (partition ", e.Message, StringComparison.Ordinal);
        Assert.Contains("Invalid request", e.Message, StringComparison.Ordinal);
        Assert.Contains("and its watermark query for partition 0 failed too", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _kafka.Dispose();
}
