using Confluent.Kafka;
using Sluice.Columnar;
using Sluice.Data;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Builds <see cref="KafkaRawSchema"/> rows for one partition, reusing the boxed values that never change, or appends
/// the same values to a batch's read columns.
/// </summary>
internal sealed class KafkaRawRows(string topic, int partition)
{
    private static readonly object CreateTime = 0;
    private static readonly object LogAppendTime = 1;
    private static readonly object NoTimestampType = -1;

    private readonly object _partition = partition;
    private readonly ColumnVector?[] _vectors = new ColumnVector?[KafkaRawSchema.Schema.Count];
    private int _topicCode;

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

    /// <summary>Appends the records that follow to <paramref name="output"/>'s read columns.</summary>
    public void Begin(ColumnBatch output)
    {
        for (var c = 0; c < _vectors.Length; c++)
        {
            _vectors[c] = output.IsRead(c) ? output.Column(c) : null;
        }
        if (_vectors[KafkaRawSchema.Topic] is StringVector topics)
        {
            _topicCode = topics.Dictionary.GetOrAdd(topic);
        }
    }

    /// <summary>Appends the record's values to the columns <see cref="Begin"/> named: the same values <see cref="Row"/> holds.</summary>
    public void Append(ConsumeResult<byte[]?, byte[]?> record)
    {
        var message = record.Message;
        _vectors[KafkaRawSchema.Key]?.AppendValue(message.Key);
        _vectors[KafkaRawSchema.Value]?.AppendValue(message.Value);
        (_vectors[KafkaRawSchema.Topic] as StringVector)?.AppendCode(_topicCode);
        (_vectors[KafkaRawSchema.Partition] as Int64Vector)?.Append(partition);
        (_vectors[KafkaRawSchema.Offset] as Int64Vector)?.Append(record.Offset.Value);
        var type = message.Timestamp.Type switch
        {
            TimestampType.CreateTime => 0,
            TimestampType.LogAppendTime => 1,
            _ => -1,
        };
        if (_vectors[KafkaRawSchema.Timestamp] is Int64Vector timestamps)
        {
            if (type < 0)
            {
                timestamps.AppendNull();
            }
            else
            {
                timestamps.Append(message.Timestamp.UtcDateTime.Ticks);
            }
        }
        (_vectors[KafkaRawSchema.TimestampType] as Int64Vector)?.Append(type);
        _vectors[KafkaRawSchema.Headers]?.AppendValue(HeadersOf(message.Headers));
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
