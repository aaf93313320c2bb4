using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Writes a batch to Kafka exactly once: one transaction per batch (idempotent producer, transactional id
/// <c>sluice-&lt;queryId&gt;-&lt;writer&gt;</c>, so a restarted writer fences its predecessor), every record carrying the
/// headers <c>sluice.query</c> and <c>sluice.batch</c>, and the transaction also committing the batch id to the sink
/// group <c>sluice-sink-&lt;queryId&gt;</c> on partition 0 of every topic the batch writes to (Kafka Streams' EOS v2
/// way: the progress marker commits atomically with the output). Before its first batch a writer finds the last batch
/// written (<see cref="KafkaSinkTail"/>) on the topics of that batch's rows: a replay of it, or of anything older,
/// writes nothing. The sink's format makes the records (<see cref="KafkaSinkRecords"/>: JSON objects of the rows, or
/// Spark's key, value, partition and headers columns, and a topic column when the sink has no topic).
/// </summary>
/// <remarks>
/// Why the topics of the batch's own rows are enough to tell whether it was written: batches reach the sink in order,
/// and batch N+1 only after batch N is in the checkpoint's commit log, so the one batch a writer can find already
/// written is the one it is asked for. That batch's records and markers commit in one transaction on all of its topics,
/// and a replay has the same rows (the same offsets, the batch timestamp recorded), hence the same topics: if any of them
/// holds this query's marker (or records) of batch N, all of them do.
/// </remarks>
internal sealed class KafkaSinkWriter : IDisposable
{
    private readonly string? _topic;
    private readonly string _queryId;
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly IConsumer<Ignore, Ignore> _group;
    private bool _initialized;
    private long? _lastWritten;

    /// <param name="topic">The sink's topic; null when each row names its own (<see cref="KafkaSinkRecords.TopicOf"/>).</param>
    public KafkaSinkWriter(string? topic, string bootstrapServers, Guid queryId, int writer)
    {
        _topic = topic;
        _queryId = queryId.ToString("N");
        _producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            TransactionalId = $"sluice-{_queryId}-{writer}",
            LingerMs = 5,
            Acks = Acks.All,
        }).Build();
        _group = KafkaSinkTail.GroupConsumer(bootstrapServers, _queryId);
    }

    /// <summary>
    /// Writes the rows of batch <paramref name="batchId"/> unless a previous attempt already did; returns the rows
    /// written, or -1 when it had. Throws when the transaction did not commit (it is aborted); a writer that threw
    /// must be disposed, as its producer may be unusable and the commit may have landed all the same.
    /// <paramref name="fault"/> runs inside the transaction, before its records (the sink's fault point).
    /// </summary>
    public long Write(long batchId, IReadOnlyList<object?[]> rows, KafkaSinkRecords records, Action? fault = null)
    {
        if (!_initialized)
        {
            // Also completes (aborts) a transaction a predecessor with the same transactional id left open.
            _producer.InitTransactions(TimeSpan.FromSeconds(30));
            _initialized = true;
        }
        if (rows.Count == 0)
        {
            return 0;
        }
        // Per row only when the rows name their topics: the sink's one topic costs no array.
        var topics = records.RowsChooseTopics ? rows.Select(row => records.TopicOf(row)!).ToArray() : null;
        List<string> batchTopics = topics is null
            ? [_topic ?? throw new InvalidOperationException("the kafka sink has no topic and its records name none: set the sink's \"topic\"")]
            : [.. topics.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        // Read once per writer: after that, this writer knows what it wrote (a newer writer with the same
        // transactional id fences this one, so nobody else writes this query's batches behind its back).
        _lastWritten ??= batchTopics.Max(topic => KafkaSinkTail.LastWrittenBatch(_group, _producer.Handle, topic, _queryId));
        if (_lastWritten >= batchId)
        {
            return Contracts.ISinkGrain.AlreadyCommitted;
        }
        var query = Encoding.UTF8.GetBytes(_queryId);
        var batch = Encoding.UTF8.GetBytes(batchId.ToString(CultureInfo.InvariantCulture));
        _producer.BeginTransaction();
        try
        {
            fault?.Invoke();
            for (var i = 0; i < rows.Count; i++)
            {
                var message = new Message<byte[]?, byte[]?> { Headers = [] };
                var partition = records.Fill(rows[i], message);
                // The row's own headers (format raw) come first; the sink's, which find the last batch written, last.
                message.Headers.Add(KafkaSinkTail.QueryHeader, query);
                message.Headers.Add(KafkaSinkTail.BatchHeader, batch);
                if (partition is { } p)
                {
                    ProduceTo(topics?[i] ?? _topic!, p, message);
                }
                else
                {
                    _producer.Produce(topics?[i] ?? _topic!, message);
                }
            }
            _producer.SendOffsetsToTransaction([.. batchTopics.Select(t => KafkaSinkTail.Marker(t, batchId))], _group.ConsumerGroupMetadata, TimeSpan.FromSeconds(30));
            _producer.CommitTransaction(TimeSpan.FromSeconds(60));
        }
        catch
        {
            TryAbort();
            throw;
        }
        _lastWritten = batchId;
        return rows.Count;
    }

    private void ProduceTo(string topic, int partition, Message<byte[]?, byte[]?> message)
    {
        try
        {
            _producer.Produce(new TopicPartition(topic, partition), message);
        }
        catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_UnknownPartition)
        {
            throw new InvalidOperationException(
                $"A row's partition column is {partition}, which topic '{topic}' does not have: keep the partition column within the topic's " +
                "partitions, or set it null to let the key choose one.", e);
        }
    }

    // The write's own failure is the one to report; an abort that fails too (a fenced or fatal producer) changes nothing:
    // the transaction is not committed either way, and the writer is disposed.
    private void TryAbort()
    {
        try
        {
            _producer.AbortTransaction(TimeSpan.FromSeconds(30));
        }
        catch (KafkaException)
        {
        }
    }

    public void Dispose()
    {
        _group.Dispose();
        _producer.Dispose();
    }
}
