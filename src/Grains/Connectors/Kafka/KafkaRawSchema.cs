using Sluice.Data;

namespace Sluice.Connectors.Kafka;

/// <summary>The columns of a Kafka source in <c>raw</c> format: Spark's Kafka source schema, headers included.</summary>
internal static class KafkaRawSchema
{
    public const int Key = 0;
    public const int Value = 1;
    public const int Topic = 2;
    public const int Partition = 3;
    public const int Offset = 4;
    public const int Timestamp = 5;
    public const int TimestampType = 6;
    public const int Headers = 7;

    /// <summary>One header: <c>struct&lt;key:string,value:binary&gt;</c>.</summary>
    public static readonly DataType HeaderType = DataType.Struct([new Column("key", DataType.String), new Column("value", DataType.Binary)]);

    /// <summary>
    /// <c>key</c> binary, <c>value</c> binary, <c>topic</c> string, <c>partition</c> int, <c>offset</c> bigint,
    /// <c>timestamp</c> timestamp, <c>timestampType</c> int (0 create time, 1 log-append time),
    /// <c>headers</c> array&lt;struct&lt;key:string,value:binary&gt;&gt;.
    /// </summary>
    public static readonly StreamSchema Schema = new(
    [
        new Column("key", DataType.Binary),
        new Column("value", DataType.Binary),
        new Column("topic", DataType.String),
        new Column("partition", DataType.Int),
        new Column("offset", DataType.Long),
        new Column("timestamp", DataType.Timestamp),
        new Column("timestampType", DataType.Int),
        new Column("headers", DataType.Array(HeaderType)),
    ]);
}
