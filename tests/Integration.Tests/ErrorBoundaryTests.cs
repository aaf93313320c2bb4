using Sluice.Client;
using Sluice.Contracts;
using Sluice.Connectors.Kafka;
using KafkaErrorCode = Confluent.Kafka.ErrorCode;

namespace Sluice.IntegrationTests;

/// <summary>Errors raised in the silo reach a client connected through the gateway (so every reply is serialized) as their messages.</summary>
[Collection(SiloCollection.Name)]
public sealed class ErrorBoundaryTests(SiloFixture silo)
{
    private const short ListOffsetsApi = 2;

    private static string Name() => "e" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Start_ExceptionWithAKafkaInnerException_ReachesTheClientAsItsMessageAndTypeName()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("ev", 2);
        kafka.FailRequests(ListOffsetsApi, 50, KafkaErrorCode.InvalidRequest);
        await using var client = await SluiceClient.ConnectAsync($"127.0.0.1:{silo.GatewayPort}");

        var e = await Assert.ThrowsAsync<SluiceException>(() =>
            client.ReadStream().Kafka("ev", kafka.BootstrapServers).StartingOffsets("earliest").Schema(("id", "int")).Load().WriteStream().StartAsync(Name()));

        Assert.StartsWith($"Kafka at {kafka.BootstrapServers} could not list offsets of topic 'ev'", e.Message, StringComparison.Ordinal);
        Assert.Equal("System.InvalidOperationException", e.OriginalType);
        Assert.Equal("Confluent.Kafka.Admin.ListOffsetsException", Assert.IsType<SluiceException>(e.InnerException).OriginalType);
    }

    [Fact]
    public async Task Start_BrokerWhoseAdminListOffsetsFails_ReadsFromTheWatermarks()
    {
        using var kafka = EmbeddedKafka.Start();
        kafka.CreateTopic("ev", 2);
        using (var producer = new Confluent.Kafka.ProducerBuilder<Confluent.Kafka.Null, string>(
            new Confluent.Kafka.ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            foreach (var id in Enumerable.Range(0, 6))
            {
                producer.Produce(new Confluent.Kafka.TopicPartition("ev", id % 2), new Confluent.Kafka.Message<Confluent.Kafka.Null, string> { Value = $"{{\"id\": {id}}}" });
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }
        kafka.FailRequests(ListOffsetsApi, 1, KafkaErrorCode.InvalidRequest);
        var name = Name();

        var query = await silo.Client.ReadStream().Kafka("ev", kafka.BootstrapServers).StartingOffsets("earliest").Schema(("id", "int")).Load()
            .WriteStream().Trigger(Trigger.AvailableNow()).StartAsync(name);
        await query.AwaitTerminationAsync();

        Assert.Equal(6, (await silo.Client.ReadMemorySinkJsonAsync(name)).Count);
    }
}
