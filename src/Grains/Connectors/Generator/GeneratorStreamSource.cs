using System.Globalization;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Connectors.Generator;

/// <summary>
/// The <c>generator</c> source: the events of <see cref="ClickEventSequence"/> made in memory, no broker and no
/// parsing, to measure the engine alone. Options: <c>events</c> (how many, default 1,000,000) and <c>partitions</c>
/// (default 2). Event <c>i</c> is at offset <c>i / partitions</c> of partition <c>i % partitions</c>; all events are
/// available at once, so <c>availableNow</c> ends after the last one.
/// </summary>
internal sealed class GeneratorStreamSource(SourceSpec spec, string streamName) : IStreamSource
{
    public string Description => $"Generator[events={Events(spec)}, partitions={Partitions(spec)}]";

    public string OffsetKey => streamName;

    public Task<IReadOnlyDictionary<int, long>> InitialOffsetsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<int, long>>(Enumerable.Range(0, Partitions(spec)).ToDictionary(p => p, _ => 0L));

    public Task<IReadOnlyDictionary<int, long>> LatestOffsetsAsync(CancellationToken cancellationToken)
    {
        var events = Events(spec);
        var partitions = Partitions(spec);
        return Task.FromResult<IReadOnlyDictionary<int, long>>(
            Enumerable.Range(0, partitions).ToDictionary(p => p, p => (events - p + partitions - 1) / partitions));
    }

    public static long Events(SourceSpec spec) => Option(spec, "events", 1_000_000);

    public static int Partitions(SourceSpec spec) => (int)Option(spec, "partitions", 2);

    public void Dispose()
    {
    }

    private static long Option(SourceSpec spec, string name, long fallback) =>
        spec.Options.TryGetValue(name, out var text)
            ? long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
                : throw new ArgumentException($"the generator source's option '{name}' must be a positive whole number, not '{text}'")
            : fallback;
}
