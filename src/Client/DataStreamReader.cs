using System.Globalization;
using System.Text.Json.Serialization;
using Sluice.Processing;
using Sluice.Spec;

namespace Sluice.Client;

/// <summary>Describes a stream source (Spark's <c>DataStreamReader</c>); <see cref="Load"/> gives a <see cref="StreamFrame"/>.</summary>
public sealed class DataStreamReader
{
    private readonly SluiceClient _client;
    private SourceSpec _source = new() { Kind = "memory" };

    internal DataStreamReader(SluiceClient client) => _client = client;

    /// <summary>The source kind: <c>kafka</c>, <c>rate</c> or <c>memory</c>.</summary>
    public DataStreamReader Format(string kind)
    {
        _source = _source with { Kind = kind };
        return this;
    }

    /// <summary>A Kafka topic; <paramref name="bootstrapServers"/> defaults to the silo's Kafka (or its embedded broker).</summary>
    public DataStreamReader Kafka(string topic, string? bootstrapServers = null)
    {
        _source = _source with { Kind = "kafka", Topic = topic, BootstrapServers = bootstrapServers };
        return this;
    }

    /// <summary>A memory source fed with <see cref="SluiceClient.AddDataAsync"/> under <paramref name="streamName"/>.</summary>
    public DataStreamReader Memory(string streamName)
    {
        _source = _source with { Kind = "memory", Name = streamName };
        return this;
    }

    /// <summary>Spark's rate source: <paramref name="rowsPerSecond"/> rows a second of (timestamp, value).</summary>
    public DataStreamReader Rate(long rowsPerSecond)
    {
        _source = _source with { Kind = "rate", RowsPerSecond = rowsPerSecond };
        return this;
    }

    /// <summary>A static table for stream-static joins: <paramref name="rows"/> (objects serialized as JSON), read by the schema.</summary>
    public DataStreamReader Table(params object[] rows)
    {
        _source = _source with { Kind = "table", Rows = rows.Select(r => r as string ?? System.Text.Json.JsonSerializer.Serialize(r, r.GetType())).ToList() };
        return this;
    }

    /// <summary>A static table read from JSON-lines files under <paramref name="path"/> when the query starts.</summary>
    public DataStreamReader TablePath(string path)
    {
        _source = _source with { Kind = "table", Path = path };
        return this;
    }

    /// <summary>The stream's name (progress, scenarios).</summary>
    public DataStreamReader Name(string name)
    {
        _source = _source with { Name = name };
        return this;
    }

    /// <summary>Explicit columns: name and Spark type (<c>string</c>, <c>int</c>, <c>bigint</c>, <c>double</c>, <c>boolean</c>, <c>timestamp</c>, <c>binary</c>).</summary>
    public DataStreamReader Schema(params (string Name, string Type)[] columns)
    {
        _source = _source with { Schema = columns.Select(c => new KeyValuePair<string, string>(c.Name, c.Type)).ToList() };
        return this;
    }

    /// <summary>The schema of a C# record or class: one column per public property, named by <see cref="JsonPropertyNameAttribute"/> or the property name.</summary>
    public DataStreamReader Schema<T>()
    {
        _source = _source with { Schema = SchemaOf(typeof(T)) };
        return this;
    }

    /// <summary>Spark's options: <c>startingOffsets</c>, <c>maxOffsetsPerTrigger</c>, <c>format</c> (<c>json</c>/<c>raw</c>),
    /// <c>mode</c>, <c>rowsPerSecond</c>, <c>kafka.bootstrap.servers</c>, <c>subscribe</c>; Spark's other Kafka source options
    /// (<c>failOnDataLoss</c>, <c>includeHeaders</c>, ...) are checked by the silo at start, which refuses those Sluice does
    /// not do, naming the fix (docs/query-spec.md); anything else goes to the Kafka consumer.</summary>
    public DataStreamReader Option(string key, string value)
    {
        _source = key switch
        {
            "startingOffsets" => _source with { StartingOffsets = value },
            "maxOffsetsPerTrigger" => _source with { MaxOffsetsPerTrigger = long.Parse(value, CultureInfo.InvariantCulture) },
            "format" => _source with { Format = value },
            "mode" => _source with { Mode = value.ToUpperInvariant() },
            "rowsPerSecond" => _source with { RowsPerSecond = long.Parse(value, CultureInfo.InvariantCulture) },
            "kafka.bootstrap.servers" => _source with { BootstrapServers = value },
            "subscribe" => _source with { Topic = value },
            _ => _source with { Options = new Dictionary<string, string>(_source.Options) { [key.StartsWith("kafka.", StringComparison.Ordinal) ? key[6..] : key] = value } },
        };
        return this;
    }

    /// <summary>Where a new query starts reading: <c>earliest</c>, <c>latest</c> or Spark's per-partition JSON.</summary>
    public DataStreamReader StartingOffsets(string offsets) => Option("startingOffsets", offsets);

    /// <summary>At most this many records per batch, over all partitions.</summary>
    public DataStreamReader MaxOffsetsPerTrigger(long max) => Option("maxOffsetsPerTrigger", max.ToString(CultureInfo.InvariantCulture));

    /// <summary>The stream, ready for operators.</summary>
    public StreamFrame Load() => new(_client, _source, []);

    /// <summary>The stream with rows typed <typeparamref name="T"/>, for LINQ lambdas; without a <see cref="Schema"/>, <typeparamref name="T"/>'s is used.</summary>
    public Typed.StreamFrame<T> Load<T>() => new StreamFrame(_client, _source.Schema.Count == 0 && _source.Kind != "rate" ? _source with { Schema = SchemaOf(typeof(T)) } : _source, []).As<T>();

    internal static IReadOnlyList<KeyValuePair<string, string>> SchemaOf(Type type) =>
        TypedRows.Columns(type).Select(c => new KeyValuePair<string, string>(c.Name, c.Type)).ToList();
}
