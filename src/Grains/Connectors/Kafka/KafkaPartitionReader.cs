using System.Diagnostics;
using Confluent.Kafka;
using Sluice.Columnar;
using Sluice.Data;
using Sluice.Sources;
using Sluice.Sources.Parsing;
using Sluice.Spec;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Reads exactly [start, end) of one Kafka partition per call: the partition is assigned by hand (never a consumer
/// group), and the consumer is kept across calls, so consecutive ranges stream on without a seek while librdkafka
/// prefetches the next one. Format <c>json</c> parses values into the source's schema; <c>raw</c> gives Spark's
/// Kafka columns (<see cref="KafkaRawSchema"/>). Either is read into rows or, for a partition agent, straight into columns.
/// </summary>
/// <remarks>
/// Offsets may have gaps (transaction markers, compaction), so a range ends when a record at or past <c>end</c> - 1
/// arrives or the partition's end is reported past it; a record read ahead of <c>end</c> is kept for the next call.
/// Not thread-safe: one caller at a time, as a partition agent is.
/// </remarks>
internal sealed unsafe class KafkaPartitionReader : IColumnarPartitionReader
{
    public static readonly TimeSpan DefaultStallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxWatermarkTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Rows of a planned range reserved in the columns before a columnar read (a larger range grows past them).</summary>
    private const int ReservedRowsAtMost = 1 << 16;

    private readonly string _topic;
    private readonly int _partition;
    private readonly string _bootstrapServers;
    private readonly TimeSpan _stallTimeout;
    private readonly TopicPartition _topicPartition;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly KafkaJsonRecords? _json;
    private readonly KafkaRawRows? _rawRows;
    private readonly NativeConsumerPoll? _native;

    /// <summary>The offset after the last record handed out (where the consumer stands), or -1 before the first read.</summary>
    private long _next = -1;
    private KafkaReadAhead? _readAhead;
    private bool _assigned;

    /// <param name="schema">The rows' layout: <see cref="KafkaSchemas.For"/> of the spec (json may add <c>_corrupt_record</c>).</param>
    /// <param name="stallTimeout">How long a read may go without receiving anything before it fails; 30 s by default.</param>
    /// <param name="settings">The silo's librdkafka settings for readers, over the defaults (the spec's options win).</param>
    public KafkaPartitionReader(SourceSpec spec, string bootstrapServers, int partition, StreamSchema schema, TimeSpan? stallTimeout = null,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        _topic = KafkaClientConfig.TopicOf(spec);
        _partition = partition;
        _bootstrapServers = bootstrapServers;
        _stallTimeout = stallTimeout ?? DefaultStallTimeout;
        _topicPartition = new TopicPartition(_topic, partition);
        var raw = KafkaSchemas.IsRaw(spec);
        if (raw)
        {
            if (schema.Count != KafkaRawSchema.Schema.Count)
            {
                throw new ArgumentException($"A raw kafka source produces {KafkaRawSchema.Schema}, not {schema}.", nameof(schema));
            }
            _rawRows = new KafkaRawRows(_topic, partition);
        }
        else
        {
            _json = new KafkaJsonRecords(schema, ParseModes.Parse(spec.Mode), _topic, partition);
        }
        var config = ConsumerConfigFor(spec, bootstrapServers, settings, _topic, partition);
        var builder = new ConsumerBuilder<byte[]?, byte[]?>(config).SetValueDeserializer(_json?.Values ?? Deserializers.ByteArray);
        builder = raw ? builder.SetKeyDeserializer(Deserializers.ByteArray) : builder.SetKeyDeserializer(SkippedBytesDeserializer.Instance);
        _consumer = builder.Build();
        _native = raw ? null : NativeConsumerPoll.TryCreate(_consumer);
    }

    /// <summary>
    /// The consumer settings of one partition's reader: the reader's defaults, the silo's <paramref name="settings"/>
    /// over them, and what the protocol requires. The benchmark's bare-consumer limit reads Kafka with exactly these.
    /// </summary>
    public static ConsumerConfig ConsumerConfigFor(SourceSpec spec, string bootstrapServers, IReadOnlyDictionary<string, string>? settings, string topic, int partition)
    {
        var defaults = KafkaClientConfig.ReaderDefaults(topic, partition).Where(d => settings?.ContainsKey(d.Key) != true).Concat(settings ?? new Dictionary<string, string>());
        var config = KafkaClientConfig.ForConsumer(spec, bootstrapServers, defaults);
        config.EnablePartitionEof = true;
        // Offsets that no longer exist must fail the batch (Spark's failOnDataLoss), never silently jump elsewhere.
        config.AutoOffsetReset = AutoOffsetReset.Error;
        config.ConsumeResultFields = KafkaSchemas.IsRaw(spec) ? "timestamp,headers" : "none";
        return config;
    }

    /// <summary>How many times the reader assigned or sought the partition (once, for ranges read back to back).</summary>
    public int Repositions { get; private set; }

    public Task<ReadResult> ReadAsync(long start, long end, List<object?[]> output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        // librdkafka's calls block; keep them off the caller's (a grain's) scheduler thread.
        return start == end
            ? Task.FromResult(default(ReadResult))
            : Task.Run(() => ReadOrForget(start, end, output, null, cancellationToken), cancellationToken);
    }

    public Task<ReadResult> ReadColumnsAsync(long start, long end, ColumnBatch output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        return start == end
            ? Task.FromResult(default(ReadResult))
            : Task.Run(() => ReadOrForget(start, end, null, output, cancellationToken), cancellationToken);
    }

    public void Dispose() => _consumer.Dispose();

    /// <summary>
    /// Reads into <paramref name="rows"/>, or into <paramref name="columns"/> when rows is null. A read that fails or is
    /// cancelled leaves the consumer somewhere inside the range: the next read must seek.
    /// </summary>
    private ReadResult ReadOrForget(long start, long end, List<object?[]>? rows, ColumnBatch? columns, CancellationToken cancellationToken)
    {
        try
        {
            if (columns is not null)
            {
                // A range of at most this many records is reserved whole (gaps, compacted away, leave it unused).
                _json?.Begin(columns, (int)Math.Min(end - start, ReservedRowsAtMost));
                _rawRows?.Begin(columns);
            }
            var counts = Read(start, end, rows, cancellationToken);
            if (columns is not null)
            {
                columns.RowCount = checked((int)counts.Rows);
            }
            return new ReadResult(counts.Read, counts.Malformed, counts.Dropped);
        }
        catch
        {
            _next = -1;
            _readAhead = null;
            throw;
        }
    }

    private RangeCounts Read(long start, long end, List<object?[]>? rows, CancellationToken cancellationToken)
    {
        MoveTo(start);
        var counts = new RangeCounts();
        if (_readAhead is { } early)
        {
            if (early.Offset >= end)
            {
                return counts;
            }
            _readAhead = null;
            Emit(early.Offset, early.Record, early.Value, early.Value is null, rows, ref counts);
        }
        var lastProgress = Stopwatch.GetTimestamp();
        while (_next < end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var polled = Poll(start, end);
            if (polled.IsNone)
            {
                if (Stopwatch.GetElapsedTime(lastProgress) > _stallTimeout)
                {
                    throw KafkaReadErrors.Stalled(_topic, _partition, Math.Max(start, _next), end, TryWatermarks(), _bootstrapServers, _stallTimeout);
                }
                continue;
            }
            try
            {
                lastProgress = Stopwatch.GetTimestamp();
                if (polled.IsPartitionEof)
                {
                    // Everything below the partition's end has been delivered: offsets up to it that never came are gaps.
                    if (polled.Offset >= end)
                    {
                        _next = end;
                    }
                    continue;
                }
                var value = ValueOf(polled, out var isNull);
                if (polled.Offset >= end)
                {
                    // The value's bytes belong to librdkafka or to the buffer the next record is consumed into: keep a copy.
                    _readAhead = new KafkaReadAhead(polled.Offset, polled.Record, isNull || _json is null ? null : value.ToArray());
                    _next = end;
                    break;
                }
                if (polled.Offset >= start)
                {
                    Emit(polled.Offset, polled.Record, value, isNull, rows, ref counts);
                }
            }
            finally
            {
                _native?.Destroy((NativeConsumerPoll.RdKafkaMessage*)polled.Native);
            }
        }
        return counts;
    }

    /// <summary>The next record or partition-end event, natively for format json where possible; none when nothing arrived in time.</summary>
    private KafkaPolled Poll(long start, long end)
    {
        try
        {
            if (_native is not null)
            {
                var message = _native.Poll(PollSlice, _topic);
                return message is null ? default : new KafkaPolled(message->Offset, NativeConsumerPoll.IsPartitionEof(message), null, (nint)message);
            }
            var record = _consumer.Consume(PollSlice);
            return record is null ? default : new KafkaPolled(record.Offset.Value, record.IsPartitionEOF, record, 0);
        }
        catch (ConsumeException e)
        {
            throw KafkaReadErrors.Failed(_topic, _partition, start, end, TryWatermarks(), _bootstrapServers, e);
        }
    }

    /// <summary>A json record's value bytes (empty for raw, whose rows take the record's arrays).</summary>
    private ReadOnlySpan<byte> ValueOf(in KafkaPolled polled, out bool isNull)
    {
        if (polled.Native != 0)
        {
            return NativeConsumerPoll.ValueOf((NativeConsumerPoll.RdKafkaMessage*)polled.Native, out isNull);
        }
        var value = polled.Record!.Message.Value;
        isNull = value is null;
        return _json is null || value is null ? default : _json.Values.SpanOf(value);
    }

    private void MoveTo(long start)
    {
        if (_next == start)
        {
            return;
        }
        _readAhead = null;
        var position = new TopicPartitionOffset(_topicPartition, new Offset(start));
        if (_assigned)
        {
            try
            {
                _consumer.Seek(position);
            }
            catch (KafkaException)
            {
                _consumer.Assign(position);
            }
        }
        else
        {
            _consumer.Assign(position);
            _assigned = true;
        }
        _next = start;
        Repositions++;
    }

    /// <summary>Appends the record to <paramref name="rows"/>, or to the columns of the read when rows is null.</summary>
    private void Emit(long offset, ConsumeResult<byte[]?, byte[]?>? record, ReadOnlySpan<byte> value, bool isNull, List<object?[]>? rows, ref RangeCounts counts)
    {
        _next = offset + 1;
        counts.Read++;
        var outcome = ParseOutcome.Ok;
        if (_rawRows is not null)
        {
            if (rows is not null)
            {
                rows.Add(_rawRows.Row(record!));
            }
            else
            {
                _rawRows.Append(record!);
            }
        }
        else
        {
            outcome = rows is not null ? _json!.AppendRow(offset, value, isNull, rows) : _json!.AppendColumns(offset, value, isNull);
        }
        switch (outcome)
        {
            case ParseOutcome.Malformed:
                counts.Malformed++;
                break;
            case ParseOutcome.Dropped:
                counts.Malformed++;
                counts.Dropped++;
                return;
        }
        counts.Rows++;
    }

    private (long Low, long High)? TryWatermarks()
    {
        try
        {
            var marks = _consumer.QueryWatermarkOffsets(_topicPartition, _stallTimeout < MaxWatermarkTimeout ? _stallTimeout : MaxWatermarkTimeout);
            return (marks.Low.Value, marks.High.Value);
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    private struct RangeCounts
    {
        public long Read;
        public long Malformed;
        public long Dropped;
        public long Rows;
    }
}
