using Confluent.Kafka;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// One poll's result in <see cref="KafkaPartitionReader"/>: a record (Confluent.Kafka's, or a native message that must
/// be destroyed, see <see cref="NativeConsumerPoll"/>), the partition's end (<see cref="IsPartitionEof"/>, at
/// <see cref="Offset"/>), or none.
/// </summary>
internal readonly record struct KafkaPolled(long Offset, bool IsPartitionEof, ConsumeResult<byte[]?, byte[]?>? Record, nint Native)
{
    public bool IsNone => Record is null && Native == 0;
}
