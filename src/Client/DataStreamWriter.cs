using Sluice.Spec;

namespace Sluice.Client;

/// <summary>Describes where a stream's rows go (Spark's <c>DataStreamWriter</c>); <see cref="StartAsync"/> runs the query.</summary>
public sealed class DataStreamWriter
{
    private readonly SluiceClient _client;
    private readonly StreamFrame _frame;
    private SinkSpec _sink = new() { Kind = "memory" };
    private OutputMode _mode = Spec.OutputMode.Append;
    private TriggerSpec _trigger = TriggerSpec.Default;
    private string? _checkpoint;
    private readonly Dictionary<string, string> _options = [];

    internal DataStreamWriter(SluiceClient client, StreamFrame frame)
    {
        _client = client;
        _frame = frame;
    }

    /// <summary>The sink kind: <c>memory</c>, <c>console</c>, <c>parquet</c>, <c>json</c>, <c>kafka</c>, <c>foreachBatch</c> or <c>stream</c>.</summary>
    public DataStreamWriter Format(string kind)
    {
        _sink = _sink with { Kind = kind };
        return this;
    }

    /// <summary><c>append</c>, <c>update</c> or <c>complete</c>.</summary>
    public DataStreamWriter OutputMode(string mode)
    {
        _mode = Enum.Parse<OutputMode>(mode, ignoreCase: true);
        return this;
    }

    /// <summary>When batches run; see <see cref="Trigger"/>.</summary>
    public DataStreamWriter Trigger(TriggerSpec trigger)
    {
        _trigger = trigger;
        return this;
    }

    /// <summary>The checkpoint folder; relative paths resolve under the silo's checkpoint root.</summary>
    public DataStreamWriter CheckpointLocation(string path)
    {
        _checkpoint = path;
        return this;
    }

    /// <summary>
    /// Sink options (<c>numRows</c> for console, <c>path</c> for files, <c>topic</c>, <c>key</c>, <c>format</c>
    /// (<c>json</c> or <c>raw</c>) and <c>kafka.bootstrap.servers</c> for Kafka, <c>handler</c> for foreachBatch), <c>checkpointLocation</c> (as
    /// Spark's writer option) and engine options (<c>keyGroups</c>, <c>lateRowsSink</c>, <c>minBatchesToRetain</c>).
    /// </summary>
    public DataStreamWriter Option(string key, string value)
    {
        switch (key)
        {
            case "numRows":
                _sink = _sink with { NumRows = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) };
                break;
            case "path":
                _sink = _sink with { Path = value };
                break;
            case "topic":
                _sink = _sink with { Topic = value };
                break;
            case "key":
                _sink = _sink with { Key = value };
                break;
            case "handler":
                _sink = _sink with { Handler = value };
                break;
            case "checkpointLocation":
                _checkpoint = value;
                break;
            case "kafka.bootstrap.servers":
                _sink = _sink with { BootstrapServers = value };
                break;
            case "format":
                // The Kafka sink's record format (json, or raw: Spark's key/value/partition/headers columns).
                _sink = _sink with { Settings = new Dictionary<string, string>(_sink.Settings) { ["format"] = System.Text.Json.JsonSerializer.Serialize(value) } };
                break;
            default:
                _options[key] = value;
                break;
        }
        return this;
    }

    /// <summary>The spec this writer would start.</summary>
    public QuerySpec ToSpec(string queryName) => new()
    {
        Name = queryName,
        Source = _frame.Source,
        Operators = _frame.Operators,
        Sink = _sink,
        OutputMode = _mode,
        Trigger = _trigger,
        CheckpointLocation = _checkpoint,
        Options = new Dictionary<string, string>(_options),
    };

    /// <summary>Starts the query on the silo.</summary>
    /// <exception cref="Contracts.QueryStartException">The query cannot start; the message says why and how to fix it.</exception>
    public Task<StreamingQuery> StartAsync(string queryName) => _client.StartAsync(ToSpec(queryName));
}

/// <summary>Triggers, as Spark's <c>Trigger</c>.</summary>
public static class Trigger
{
    /// <summary>A batch every <paramref name="interval"/> (e.g. <c>"2 seconds"</c>).</summary>
    public static TriggerSpec ProcessingTime(string interval) => TriggerSpec.ProcessingTime(Durations.Parse(interval));

    /// <summary>Everything available at start, in batches bounded by <c>maxOffsetsPerTrigger</c>, then stop.</summary>
    public static TriggerSpec AvailableNow() => TriggerSpec.AvailableNow;

    /// <summary>Everything available at start in one batch, then stop.</summary>
    public static TriggerSpec Once() => TriggerSpec.Once;

    /// <summary>Batches only when <see cref="StreamingQuery.ProcessAllAvailableAsync"/> is called (tests with a manual clock).</summary>
    public static TriggerSpec Manual() => TriggerSpec.Manual;
}
