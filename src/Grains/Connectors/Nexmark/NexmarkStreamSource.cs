using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Connectors.Nexmark;

/// <summary>
/// The <c>nexmark</c> source: the Nexmark suites' events made in memory (no broker, no parsing). Options: <c>events</c>,
/// <c>partitions</c>, <c>seed</c>, <c>eventsPerSecond</c> (see <see cref="NexmarkConfig"/>) and <c>stream</c>
/// (<c>event</c>, <c>person</c>, <c>auction</c> or <c>bid</c>). Every stream of the same options has the same offsets:
/// offset <c>k</c> of partition <c>p</c> is event <c>k x partitions + p</c>, and a named stream's reader skips the other
/// kinds, so a join of two named streams sees one consistent sequence. All events are available at once.
/// </summary>
internal sealed class NexmarkStreamSource(SourceSpec spec, string streamName) : IStreamSource
{
    private readonly NexmarkConfig _config = NexmarkConfig.FromOptions(spec.Options);

    public string Description =>
        $"Nexmark[stream={NexmarkSchemas.StreamOf(spec.Options)}, events={_config.Events}, partitions={_config.Partitions}, seed={_config.Seed}]";

    public string OffsetKey => streamName;

    public Task<IReadOnlyDictionary<int, long>> InitialOffsetsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<int, long>>(Enumerable.Range(0, _config.Partitions).ToDictionary(p => p, _ => 0L));

    public Task<IReadOnlyDictionary<int, long>> LatestOffsetsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<int, long>>(Enumerable.Range(0, _config.Partitions).ToDictionary(p => p, _config.PartitionLength));

    public void Dispose()
    {
    }
}
