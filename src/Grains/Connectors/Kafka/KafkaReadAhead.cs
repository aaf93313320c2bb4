using Confluent.Kafka;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// A record consumed past the end of the range being read (offsets have gaps), kept for the next range: its offset,
/// and the Confluent.Kafka record (format raw) or a copy of its value (format json, null for a tombstone).
/// </summary>
internal sealed record KafkaReadAhead(long Offset, ConsumeResult<byte[]?, byte[]?>? Record, byte[]? Value);
