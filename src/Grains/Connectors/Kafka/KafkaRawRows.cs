using Confluent.Kafka;
using Sluice.Data;

namespace Sluice.Connectors.Kafka;

/// <summary>Builds <see cref="KafkaRawSchema"/> rows for one partition, reusing the boxed values that never change.</summary>
internal sealed class KafkaRawRows(string topic, int partition)
{
    private static readonly object CreateTime = 0;
    private static readonly object LogAppendTime = 1;
    private static readonly object NoTimestampType = -1;

    private readonly object _partition = partition;

    public object?[] Row(ConsumeResult<byte[]?, byte[]?> record)
    {
        var message = record.Message;
        var row = new object?[KafkaRawSchema.Schema.Count];
        row[KafkaRawSchema.Key] = message.Key;
        row[KafkaRawSchema.Value] = message.Value;
        row[KafkaRawSchema.Topic] = topic;
        row[KafkaRawSchema.Partition] = _partition;
        row[KafkaRawSchema.Offset] = record.Offset.Value;
        switch (message.Timestamp.Type)
        {
            case TimestampType.CreateTime:
                row[KafkaRawSchema.Timestamp] = message.Timestamp.UtcDateTime;
                row[KafkaRawSchema.TimestampType] = CreateTime;
                break;
            case TimestampType.LogAppendTime:
                row[KafkaRawSchema.Timestamp] = message.Timestamp.UtcDateTime;
                row[KafkaRawSchema.TimestampType] = LogAppendTime;
                break;
            default:
                row[KafkaRawSchema.TimestampType] = NoTimestampType;
                break;
        }
        row[KafkaRawSchema.Headers] = HeadersOf(message.Headers);
        return row;
    }

    /// <summary>Spark's <c>headers</c> column: null when the record has none.</summary>
    private static object?[]? HeadersOf(Headers? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return null;
        }
        var values = new object?[headers.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var header = headers[i];
            values[i] = new StructValue([header.Key, header.GetValueBytes()]);
        }
        return values;
    }
}
