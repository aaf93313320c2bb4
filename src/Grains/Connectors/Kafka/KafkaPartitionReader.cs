using System.Diagnostics;
using Confluent.Kafka;
using Sluice.Data;
using Sluice.Sources;
using Sluice.Sources.Parsing;
using Sluice.Spec;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Reads exactly [start, end) of one Kafka partition per call: the partition is assigned by hand (never a consumer
/// group), and the consumer is kept across calls, so consecutive ranges stream on without a seek while librdkafka
/// prefetches the next one. Format <c>json</c> parses values into the source's schema; <c>raw</c> gives Spark's
/// Kafka columns (<see cref="KafkaRawSchema"/>).
/// </summary>
/// <remarks>
/// Offsets may have gaps (transaction markers, compaction), so a range ends when a record at or past <c>end</c> - 1
/// arrives or the partition's end is reported past it; a record read ahead of <c>end</c> is kept for the next call.
/// Not thread-safe: one caller at a time, as a partition agent is.
/// </remarks>
internal sealed class KafkaPartitionReader : IPartitionReader
{
    public static readonly TimeSpan DefaultStallTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollSlice = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxWatermarkTimeout = TimeSpan.FromSeconds(5);

    private readonly string _topic;
    private readonly int _partition;
    private readonly string _bootstrapServers;
    private readonly TimeSpan _stallTimeout;
    private readonly TopicPartition _topicPartition;
    private readonly IConsumer<byte[]?, byte[]?> _consumer;
    private readonly JsonRowParser? _parser;
    private readonly KafkaRawRows? _rawRows;

    /// <summary>The offset after the last record handed out (where the consumer stands), or -1 before the first read.</summary>
    private long _next = -1;
    private ConsumeResult<byte[]?, byte[]?>? _readAhead;
    private bool _assigned;
    private object?[]? _spareRow;

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
            _parser = new JsonRowParser(schema, ParseModes.Parse(spec.Mode));
        }
        var defaults = ReaderDefaults(_topic, partition).Where(d => settings?.ContainsKey(d.Key) != true).Concat(settings ?? new Dictionary<string, string>());
        var config = KafkaClientConfig.ForConsumer(spec, bootstrapServers, defaults);
        config.EnablePartitionEof = true;
        // Offsets that no longer exist must fail the batch (Spark's failOnDataLoss), never silently jump elsewhere.
        config.AutoOffsetReset = AutoOffsetReset.Error;
        config.ConsumeResultFields = raw ? "timestamp,headers" : "none";
        var builder = new ConsumerBuilder<byte[]?, byte[]?>(config).SetValueDeserializer(Deserializers.ByteArray);
        builder = raw ? builder.SetKeyDeserializer(Deserializers.ByteArray) : builder.SetKeyDeserializer(SkippedBytesDeserializer.Instance);
        _consumer = builder.Build();
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
            : Task.Run(() => ReadOrForget(start, end, output, cancellationToken), cancellationToken);
    }

    public void Dispose() => _consumer.Dispose();

    /// <summary>A read that fails or is cancelled leaves the consumer somewhere inside the range: the next read must seek.</summary>
    private ReadResult ReadOrForget(long start, long end, List<object?[]> output, CancellationToken cancellationToken)
    {
        try
        {
            return Read(start, end, output, cancellationToken);
        }
        catch
        {
            _next = -1;
            _readAhead = null;
            throw;
        }
    }

    private ReadResult Read(long start, long end, List<object?[]> output, CancellationToken cancellationToken)
    {
        MoveTo(start);
        var counts = new RangeCounts();
        if (_readAhead is { } early)
        {
            if (early.Offset.Value >= end)
            {
                return default;
            }
            _readAhead = null;
            Emit(early, output, ref counts);
        }
        var lastProgress = Stopwatch.GetTimestamp();
        while (_next < end)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ConsumeResult<byte[]?, byte[]?>? record;
            try
            {
                record = _consumer.Consume(PollSlice);
            }
            catch (ConsumeException e)
            {
                throw KafkaReadErrors.Failed(_topic, _partition, start, end, TryWatermarks(), _bootstrapServers, e);
            }
            if (record is null)
            {
                if (Stopwatch.GetElapsedTime(lastProgress) > _stallTimeout)
                {
                    throw KafkaReadErrors.Stalled(_topic, _partition, Math.Max(start, _next), end, TryWatermarks(), _bootstrapServers, _stallTimeout);
                }
                continue;
            }
            lastProgress = Stopwatch.GetTimestamp();
            var offset = record.Offset.Value;
            if (record.IsPartitionEOF)
            {
                // Everything below the partition's end has been delivered: offsets up to it that never came are gaps.
                if (offset >= end)
                {
                    _next = end;
                }
                continue;
            }
            if (offset >= end)
            {
                _readAhead = record;
                _next = end;
                break;
            }
            if (offset >= start)
            {
                Emit(record, output, ref counts);
            }
        }
        return new ReadResult(counts.Read, counts.Malformed, counts.Dropped);
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

    private void Emit(ConsumeResult<byte[]?, byte[]?> record, List<object?[]> output, ref RangeCounts counts)
    {
        var offset = record.Offset.Value;
        _next = offset + 1;
        counts.Read++;
        if (_rawRows is not null)
        {
            output.Add(_rawRows.Row(record));
            return;
        }
        var row = _spareRow ?? new object?[_parser!.Schema.Count];
        _spareRow = null;
        if (record.Message.Value is not { } value)
        {
            // A tombstone: Spark's from_json(null) is null, so every column is null; not malformed.
            Array.Clear(row);
            output.Add(row);
            return;
        }
        switch (_parser!.Parse(value, row, (this, offset), static s => s.Item1.Position(s.offset)))
        {
            case ParseOutcome.Ok:
                output.Add(row);
                break;
            case ParseOutcome.Malformed:
                counts.Malformed++;
                output.Add(row);
                break;
            case ParseOutcome.Dropped:
                counts.Malformed++;
                counts.Dropped++;
                _spareRow = row;
                break;
        }
    }

    private string Position(long offset) => $"topic {_topic} partition {_partition} offset {offset}";

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

    private static KeyValuePair<string, string>[] ReaderDefaults(string topic, int partition) =>
    [
        new("client.id", $"sluice-reader-{topic}-{partition}"),
        // Planned ranges are already on the broker: fetch big, and do not pause long when the local queue fills.
        new("max.partition.fetch.bytes", "4194304"),
        new("fetch.max.bytes", "52428800"),
        // A real broker answers a waiting fetch as soon as data arrives, so this only bounds idle polling.
        new("fetch.wait.max.ms", "100"),
        new("queued.min.messages", "100000"),
        // Per-partition prefetch buffer; a silo runs one reader per partition it owns, so keep it well under the 64 MiB default.
        new("queued.max.messages.kbytes", "16384"),
        new("fetch.queue.backoff.ms", "10"),
    ];

    private struct RangeCounts
    {
        public long Read;
        public long Malformed;
        public long Dropped;
    }
}
