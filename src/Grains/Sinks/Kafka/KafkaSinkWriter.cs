using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Sinks.Kafka;

/// <summary>
/// Writes a batch to a Kafka topic exactly once: one transaction per batch (idempotent producer, transactional id
/// <c>sluice-&lt;queryId&gt;-&lt;writer&gt;</c>, so a restarted writer fences its predecessor), every record carrying the
/// headers <c>sluice.query</c> and <c>sluice.batch</c>. Before writing batch N the writer reads the tail of each output
/// partition (read_committed) for its own records: if one says batch N or later, N is already written and a replay
/// writes nothing. Records are JSON objects of the row; the key is the sink's key expression, if any, so Kafka's
/// partitioner spreads rows by it.
/// </summary>
internal sealed class KafkaSinkWriter : IDisposable
{
    private const string QueryHeader = "sluice.query";
    private const string BatchHeader = "sluice.batch";
    private const int TailToScan = 200;

    private readonly string _topic;
    private readonly string _bootstrapServers;
    private readonly string _queryId;
    private readonly IProducer<string?, string> _producer;
    private bool _initialized;
    private long? _lastWritten;

    public KafkaSinkWriter(string topic, string bootstrapServers, Guid queryId, int writer)
    {
        _topic = topic;
        _bootstrapServers = bootstrapServers;
        _queryId = queryId.ToString("N");
        _producer = new ProducerBuilder<string?, string>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            TransactionalId = $"sluice-{_queryId}-{writer}",
            LingerMs = 5,
            Acks = Acks.All,
        }).Build();
    }

    /// <summary>Writes the rows of batch <paramref name="batchId"/> unless a previous attempt already did; returns the rows written, or -1 when it had.</summary>
    public long Write(long batchId, StreamSchema schema, IReadOnlyList<object?[]> rows, CompiledExpression? key)
    {
        if (!_initialized)
        {
            _producer.InitTransactions(TimeSpan.FromSeconds(30));
            _initialized = true;
        }
        if (rows.Count == 0)
        {
            return 0;
        }
        // The topic is read once per writer: after that, this writer knows what it wrote (a newer writer with the same
        // transactional id fences this one, so nobody else writes this query's batches behind its back).
        _lastWritten ??= LastWrittenBatch();
        if (_lastWritten >= batchId)
        {
            return Contracts.ISinkGrain.AlreadyCommitted;
        }
        var headers = new Headers
        {
            { QueryHeader, Encoding.UTF8.GetBytes(_queryId) },
            { BatchHeader, Encoding.UTF8.GetBytes(batchId.ToString(CultureInfo.InvariantCulture)) },
        };
        _producer.BeginTransaction();
        try
        {
            foreach (var row in rows)
            {
                _producer.Produce(_topic, new Message<string?, string>
                {
                    Key = key?.Evaluate(row)?.ToString(),
                    Value = RowJson.ToJsonLine(schema, row),
                    Headers = headers,
                });
            }
            _producer.CommitTransaction(TimeSpan.FromSeconds(60));
            _lastWritten = batchId;
        }
        catch
        {
            _producer.AbortTransaction(TimeSpan.FromSeconds(30));
            throw;
        }
        return rows.Count;
    }

    /// <summary>The highest batch this query's committed records on the topic carry, or -1.</summary>
    private long LastWrittenBatch()
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = _bootstrapServers,
            GroupId = $"sluice-sink-check-{_queryId}",
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        using var admin = new DependentAdminClientBuilder(_producer.Handle).Build();
        var partitions = admin.GetMetadata(_topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => p.PartitionId).ToList();
        long last = -1;
        foreach (var partition in partitions)
        {
            var tp = new TopicPartition(_topic, partition);
            var offsets = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
            if (offsets.High.Value <= offsets.Low.Value)
            {
                continue;
            }
            consumer.Assign(new TopicPartitionOffset(tp, Math.Max(offsets.Low.Value, offsets.High.Value - TailToScan)));
            while (consumer.Consume(TimeSpan.FromSeconds(10)) is { } result && !result.IsPartitionEOF)
            {
                if (Header(result.Message.Headers, QueryHeader) == _queryId && long.TryParse(Header(result.Message.Headers, BatchHeader), out var batch))
                {
                    last = Math.Max(last, batch);
                }
            }
        }
        return last;
    }

    private static string? Header(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    public void Dispose() => _producer.Dispose();
}
