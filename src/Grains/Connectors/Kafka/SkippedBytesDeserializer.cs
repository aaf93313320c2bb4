using Confluent.Kafka;

namespace Sluice.Connectors.Kafka;

/// <summary>Leaves a part of the record (the key, for format json) unread: no copy out of librdkafka's buffer.</summary>
internal sealed class SkippedBytesDeserializer : IDeserializer<byte[]?>
{
    public static readonly SkippedBytesDeserializer Instance = new();

    public byte[]? Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => null;
}
