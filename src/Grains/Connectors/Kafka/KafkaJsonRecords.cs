using Sluice.Columnar;
using Sluice.Data;
using Sluice.Sources.Parsing;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Parses one partition's record values (format json) into rows or into columns. A tombstone (null value) is a row of
/// NULLs, as Spark's <c>from_json(null)</c>, and not malformed. Values are read straight from librdkafka's buffer
/// (<see cref="NativeConsumerPoll"/>) or, where that is not available, arrive in <see cref="Values"/>, one buffer reused.
/// </summary>
internal sealed class KafkaJsonRecords(StreamSchema schema, ParseMode mode, string topic, int partition)
{
    private readonly JsonRowParser _rows = new(schema, mode);
    private JsonColumnParser? _columns;
    private object?[]? _spareRow;

    /// <summary>The consumer's value deserializer.</summary>
    public ReusedValueBuffer Values { get; } = new();

    public StreamSchema Schema => schema;

    /// <summary>Parses the record into a row appended to <paramref name="output"/> (none when dropped).</summary>
    public ParseOutcome AppendRow(long offset, ReadOnlySpan<byte> value, bool isNull, List<object?[]> output)
    {
        var row = _spareRow ?? new object?[schema.Count];
        _spareRow = null;
        if (isNull)
        {
            Array.Clear(row);
            output.Add(row);
            return ParseOutcome.Ok;
        }
        var outcome = _rows.Parse(value, row, (this, offset), static s => s.Item1.Position(s.Item2));
        if (outcome == ParseOutcome.Dropped)
        {
            _spareRow = row;
        }
        else
        {
            output.Add(row);
        }
        return outcome;
    }

    /// <summary>Appends the records that follow to <paramref name="output"/>'s read columns, reserving <paramref name="expectedRows"/>.</summary>
    public void Begin(ColumnBatch output, int expectedRows)
    {
        _columns ??= new JsonColumnParser(schema, mode);
        _columns.Begin(output, expectedRows);
    }

    /// <summary>Parses the record into the columns <see cref="Begin"/> named (nothing appended when dropped).</summary>
    public ParseOutcome AppendColumns(long offset, ReadOnlySpan<byte> value, bool isNull)
    {
        var columns = _columns ?? throw new InvalidOperationException("Begin a columnar read first.");
        if (isNull)
        {
            columns.AppendNulls();
            return ParseOutcome.Ok;
        }
        return columns.Parse(value, (this, offset), static s => s.Item1.Position(s.Item2));
    }

    private string Position(long offset) => $"topic {topic} partition {partition} offset {offset}";
}
