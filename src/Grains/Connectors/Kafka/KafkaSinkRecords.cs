using System.Text;
using Confluent.Kafka;
using Sluice.Data;
using Sluice.Expressions;
using Sluice.Spec;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// How the Kafka sink makes a record of an output row, by the sink's <c>format</c>:
/// <list type="bullet">
/// <item><c>json</c> (the default): the value is the row as one JSON object, the key the sink's <c>key</c> expression.</item>
/// <item><c>raw</c>: Spark's Kafka sink columns. <c>value</c> (string or binary) is the record's value, and the optional
/// <c>key</c> (string or binary), <c>partition</c> (int; null lets the key choose) and <c>headers</c>
/// (array&lt;struct&lt;key:string,value:binary&gt;&gt;) columns its key, partition and headers. Without the sink's
/// <c>topic</c>, a string <c>topic</c> column names each record's topic (Spark's "write to kafka with topic field"); with
/// it, the sink's topic overrides the column, as Spark's topic option does. Other columns are not written.</item>
/// </list>
/// </summary>
internal abstract class KafkaSinkRecords
{
    public const string JsonFormat = "json";
    public const string RawFormat = "raw";

    /// <summary>The records of <paramref name="sink"/>'s format for rows of <paramref name="schema"/>.</summary>
    public static KafkaSinkRecords For(SinkSpec sink, StreamSchema schema)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return IsRaw(sink)
            ? new Raw(schema, sink.Topic is null ? schema.IndexOf("topic") : -1)
            : new Json(schema, sink.Key is { } key ? ExpressionCompiler.Compile(key, schema) : null);
    }

    /// <summary>True for format <c>raw</c>; another format than json or raw is a <see cref="SpecException"/> at <paramref name="path"/>.</summary>
    public static bool IsRaw(SinkSpec sink, string path = "$.sink") =>
        new SpecSettings(sink.Settings, path).OneOf("format", JsonFormat, RawFormat) == RawFormat;

    /// <summary>
    /// Refuses output columns format <c>raw</c> cannot write (Spark's KafkaWriter.validateQuery, its rules and its
    /// words), and a <c>key</c> expression beside it.
    /// </summary>
    public static string? Problem(SinkSpec sink, StreamSchema output)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ArgumentNullException.ThrowIfNull(output);
        if (!IsRaw(sink))
        {
            return null;
        }
        if (sink.Topic is null)
        {
            if (Unsupported(output, "topic", "string", t => t == DataType.String) is { } wrongType)
            {
                return wrongType;
            }
            if (output.IndexOf("topic") < 0)
            {
                return "topic option required when no 'topic' attribute is present: set the sink's \"topic\", or select a string topic column";
            }
        }
        if (sink.Key is not null)
        {
            return "a kafka sink of format raw takes the record key from the output's key column, not a key expression: remove \"key\", " +
                "or select the key AS key";
        }
        if (output.IndexOf("value") < 0)
        {
            return "Required attribute 'value' not found: a kafka sink of format raw writes the output's value column (string or binary) " +
                "as each record's value; select one AS value, or use format json to write whole rows";
        }
        return Unsupported(output, "value", "string or binary", t => t == DataType.String || t == DataType.Binary)
            ?? Unsupported(output, "key", "string or binary", t => t == DataType.String || t == DataType.Binary)
            ?? Unsupported(output, "partition", "int", t => t == DataType.Int)
            ?? Unsupported(output, "headers", "array<struct<key:string,value:binary>>", t => t == DataType.Array(KafkaRawSchema.HeaderType));
    }

    private static string? Unsupported(StreamSchema output, string name, string wanted, Func<DataType, bool> accepts)
    {
        var index = output.IndexOf(name);
        return index < 0 || accepts(output[index].Type)
            ? null
            : $"{name} attribute unsupported type {output[index].Type}. {name} must be a(n) {wanted}: cast the column, or rename it if it is not meant for Kafka";
    }

    /// <summary>Sets <paramref name="message"/>'s key, value and headers for <paramref name="row"/>; returns its partition, or null to let the key choose.</summary>
    public abstract int? Fill(object?[] row, Message<byte[]?, byte[]?> message);

    /// <summary>The topic <paramref name="row"/> names, or null when the sink's topic holds every record.</summary>
    public virtual string? TopicOf(object?[] row) => null;

    /// <summary>True when each row names its topic (format raw with a topic column and no sink topic).</summary>
    public virtual bool RowsChooseTopics => false;

    private sealed class Json(StreamSchema schema, CompiledExpression? key) : KafkaSinkRecords
    {
        public override int? Fill(object?[] row, Message<byte[]?, byte[]?> message)
        {
            message.Key = key?.Evaluate(row)?.ToString() is { } text ? Encoding.UTF8.GetBytes(text) : null;
            message.Value = Encoding.UTF8.GetBytes(RowJson.ToJsonLine(schema, row));
            return null;
        }
    }

    /// <param name="topic">The topic column when it names each record's topic, else -1.</param>
    private sealed class Raw(StreamSchema schema, int topic) : KafkaSinkRecords
    {
        private readonly int _value = schema.IndexOf("value");
        private readonly int _key = schema.IndexOf("key");
        private readonly int _partition = schema.IndexOf("partition");
        private readonly int _headers = schema.IndexOf("headers");

        public override int? Fill(object?[] row, Message<byte[]?, byte[]?> message)
        {
            message.Value = Bytes(row[_value]);
            message.Key = _key < 0 ? null : Bytes(row[_key]);
            if (_headers >= 0 && row[_headers] is object?[] headers)
            {
                foreach (var header in headers)
                {
                    if (header is not StructValue { Values: [string name, var value] })
                    {
                        throw new InvalidOperationException(
                            "a kafka sink of format raw got a header that is null or has a null key: filter such headers out of the headers column");
                    }
                    message.Headers.Add(name, value as byte[]);
                }
            }
            return _partition >= 0 && row[_partition] is int partition ? partition : null;
        }

        public override bool RowsChooseTopics => topic >= 0;

        public override string? TopicOf(object?[] row) => topic < 0 ? null
            : row[topic] as string ?? throw new InvalidOperationException(
                "null topic present in the data. Use the topic option for setting a default topic: set the sink's \"topic\", or filter out or fill in rows whose topic column is null");

        private static byte[]? Bytes(object? value) => value switch
        {
            null => null,
            byte[] bytes => bytes,
            string text => Encoding.UTF8.GetBytes(text),
            _ => throw new InvalidOperationException($"a kafka sink of format raw got a {value.GetType().Name} where its plan has string or binary"),
        };
    }
}
