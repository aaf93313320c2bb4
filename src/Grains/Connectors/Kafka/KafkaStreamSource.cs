using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Sluice.Sources;
using Sluice.Spec;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// The planning side of a Kafka source: the topic's partitions (from metadata, so partitions added later show up),
/// where the first batch starts (<c>startingOffsets</c>) and how far each partition goes (its high watermark).
/// Never joins a consumer group; every broker call is bounded by a timeout and fails with a message naming the brokers.
/// </summary>
internal sealed class KafkaStreamSource : IStreamSource
{
    public static readonly TimeSpan DefaultBrokerTimeout = TimeSpan.FromSeconds(10);

    private readonly SourceSpec _spec;
    private readonly string _topic;
    private readonly string _bootstrapServers;
    private readonly TimeSpan _timeout;
    private readonly Confluent.Kafka.IsolationLevel _isolation;
    private readonly IConsumer<Ignore, Ignore> _consumer;
    private readonly IAdminClient _admin;

    /// <summary>The partitions the last <see cref="LatestOffsetsAsync"/> found (planning calls come one at a time).</summary>
    private IReadOnlyList<int>? _known;

    /// <param name="brokerTimeout">How long one metadata or offsets request may wait for the brokers; 10 s by default.</param>
    public KafkaStreamSource(SourceSpec spec, string bootstrapServers, TimeSpan? brokerTimeout = null)
    {
        _spec = spec;
        _topic = KafkaClientConfig.TopicOf(spec);
        _bootstrapServers = bootstrapServers;
        _timeout = brokerTimeout ?? DefaultBrokerTimeout;
        var config = KafkaClientConfig.ForConsumer(spec, bootstrapServers, [new("client.id", $"sluice-planner-{_topic}")]);
        _isolation = config.IsolationLevel ?? Confluent.Kafka.IsolationLevel.ReadUncommitted;
        _consumer = new ConsumerBuilder<Ignore, Ignore>(config).Build();
        _admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
    }

    public string Description => $"KafkaV2[Subscribe[{_topic}]]";

    public string OffsetKey => _topic;

    public async Task<IReadOnlyDictionary<int, long>> InitialOffsetsAsync(CancellationToken cancellationToken)
    {
        var partitions = await PartitionsAsync(cancellationToken);
        var offsets = KafkaStartingOffsets.Parse(_spec.StartingOffsets, _topic, partitions);
        await ResolveMarkerAsync(offsets, KafkaStartingOffsets.EarliestMarker, OffsetSpec.Earliest(), cancellationToken);
        await ResolveMarkerAsync(offsets, KafkaStartingOffsets.LatestMarker, OffsetSpec.Latest(), cancellationToken);
        return offsets;
    }

    /// <summary>
    /// The topic's partitions are read from metadata on every call (partitions added later show up in the next batch),
    /// but the offsets of the partitions known from the last call are asked for at the same time, so a batch's
    /// planning costs one broker round trip instead of two; only when the partitions changed are they asked again.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, long>> LatestOffsetsAsync(CancellationToken cancellationToken)
    {
        var metadata = PartitionsAsync(cancellationToken);
        if (_known is not { } known)
        {
            var first = await metadata;
            _known = first;
            return await ListOffsetsAsync(first, OffsetSpec.Latest(), cancellationToken);
        }
        var offsets = ListOffsetsAsync(known, OffsetSpec.Latest(), cancellationToken);
        IReadOnlyList<int> partitions;
        try
        {
            partitions = await metadata;
        }
        catch
        {
            // The metadata's error names the problem (a missing topic, unreachable brokers); the guess's outcome is moot.
            _ = offsets.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
        if (partitions.SequenceEqual(known))
        {
            return await offsets;
        }
        _known = partitions;
        try
        {
            await offsets;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or KafkaException)
        {
            // Asked for partitions the topic no longer has: the request for the current ones below decides.
        }
        return await ListOffsetsAsync(partitions, OffsetSpec.Latest(), cancellationToken);
    }

    public void Dispose()
    {
        _admin.Dispose();
        _consumer.Dispose();
    }

    /// <summary>The topic's partition numbers, in order.</summary>
    public Task<IReadOnlyList<int>> PartitionsAsync(CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<int>>(() =>
        {
            Metadata metadata;
            try
            {
                metadata = _admin.GetMetadata(_topic, _timeout);
            }
            catch (KafkaException e)
            {
                throw Unreachable(e.Error);
            }
            var topic = metadata.Topics.Find(t => t.Topic == _topic);
            if (topic is null || topic.Error.Code == ErrorCode.UnknownTopicOrPart || (!topic.Error.IsError && topic.Partitions.Count == 0))
            {
                throw new InvalidOperationException(
                    $"Kafka topic '{_topic}' does not exist on {_bootstrapServers}; create it (the embedded broker creates the topics listed in the silo's " +
                    "Kafka:Topics setting) or fix the source's topic.");
            }
            if (topic.Error.IsError)
            {
                throw new InvalidOperationException($"Kafka at {_bootstrapServers} reported an error for topic '{_topic}': {topic.Error.Reason} ({topic.Error.Code}).");
            }
            var partitions = new List<int>(topic.Partitions.Count);
            foreach (var partition in topic.Partitions)
            {
                partitions.Add(partition.PartitionId);
            }
            partitions.Sort();
            return partitions;
        }, cancellationToken);

    private async Task ResolveMarkerAsync(Dictionary<int, long> offsets, long marker, OffsetSpec spec, CancellationToken cancellationToken)
    {
        var partitions = offsets.Where(p => p.Value == marker).Select(p => p.Key).ToList();
        if (partitions.Count == 0)
        {
            return;
        }
        foreach (var (partition, offset) in await ListOffsetsAsync(partitions, spec, cancellationToken))
        {
            offsets[partition] = offset;
        }
    }

    /// <summary>
    /// One admin ListOffsets request per leader broker for all partitions, rather than one round trip per partition.
    /// Some brokers that librdkafka supports answer the admin request with errors (older versions, Kafka-compatible
    /// test brokers); the consumer's watermark query then gives the same earliest and latest offsets, a partition at a time.
    /// </summary>
    private async Task<Dictionary<int, long>> ListOffsetsAsync(IReadOnlyList<int> partitions, OffsetSpec spec, CancellationToken cancellationToken)
    {
        var request = new List<TopicPartitionOffsetSpec>(partitions.Count);
        foreach (var partition in partitions)
        {
            request.Add(new TopicPartitionOffsetSpec { TopicPartition = new TopicPartition(_topic, partition), OffsetSpec = spec });
        }
        ListOffsetsResult result;
        try
        {
            result = await _admin.ListOffsetsAsync(request, new ListOffsetsOptions { RequestTimeout = _timeout, IsolationLevel = _isolation })
                .WaitAsync(_timeout + _timeout, cancellationToken);
        }
        catch (ListOffsetsException e)
        {
            var failed = e.Result.ResultInfos.Select(r => r.TopicPartitionOffsetError).FirstOrDefault(r => r.Error.IsError);
            var reason = failed is null ? e.Message : $"partition {failed.Partition.Value}: {failed.Error.Reason} ({failed.Error.Code})";
            return await WatermarksAsync(partitions, spec, reason, e, cancellationToken);
        }
        catch (KafkaException e) when (!IsUnreachable(e.Error.Code))
        {
            return await WatermarksAsync(partitions, spec, $"{e.Error.Reason} ({e.Error.Code})", e, cancellationToken);
        }
        catch (KafkaException e)
        {
            throw Unreachable(e.Error);
        }
        catch (TimeoutException)
        {
            throw Unreachable(new Error(ErrorCode.Local_TimedOut));
        }
        var offsets = new Dictionary<int, long>(partitions.Count);
        foreach (var info in result.ResultInfos)
        {
            offsets[info.TopicPartitionOffsetError.Partition.Value] = info.TopicPartitionOffsetError.Offset.Value;
        }
        return offsets;
    }

    /// <summary>
    /// The fallback for <see cref="ListOffsetsAsync"/>: each partition's low (earliest) or high (latest) watermark. The
    /// admin error stays the inner exception, for the silo's log; the grain boundary sends the client only messages.
    /// </summary>
    private Task<Dictionary<int, long>> WatermarksAsync(IReadOnlyList<int> partitions, OffsetSpec spec, string adminError, KafkaException adminException, CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            var earliest = spec is OffsetSpec.EarliestSpec;
            var offsets = new Dictionary<int, long>(partitions.Count);
            foreach (var partition in partitions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                try
                {
                    var marks = _consumer.QueryWatermarkOffsets(new TopicPartition(_topic, partition), _timeout);
                    offsets[partition] = earliest ? marks.Low.Value : marks.High.Value;
                }
                catch (KafkaException e)
                {
                    throw new InvalidOperationException(
                        $"Kafka at {_bootstrapServers} could not list offsets of topic '{_topic}' ({adminError}), and its watermark query for " +
                        $"partition {partition} failed too: {e.Error.Reason} ({e.Error.Code}).", adminException);
                }
            }
            return offsets;
        }, cancellationToken);

    private static bool IsUnreachable(ErrorCode code) => code is ErrorCode.Local_TimedOut or ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown;

    private TimeoutException Unreachable(Error error) => new(
        $"Could not reach Kafka at {_bootstrapServers} within {_timeout.TotalSeconds:0.#} s to read topic '{_topic}' ({error.Reason}); " +
        "check the source's bootstrapServers (or the silo's Kafka settings) and that the brokers are running.");
}
