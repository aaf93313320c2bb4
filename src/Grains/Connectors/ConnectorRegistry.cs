using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Connectors;

/// <summary>
/// The source and sink connectors of a silo, by kind: the built-in ones <c>AddSluice</c> registers and those the silo
/// host adds (<see cref="ConnectorServiceCollectionExtensions"/>). Every choice made by a spec's kind goes through here.
/// A kind registered twice keeps the last registration, so a host can replace a built-in connector.
/// </summary>
public sealed class ConnectorRegistry
{
    private readonly Dictionary<string, ISourceConnector> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ISinkConnector> _sinks = new(StringComparer.Ordinal);

    public ConnectorRegistry(IEnumerable<ISourceConnector> sources, IEnumerable<ISinkConnector> sinks)
    {
        foreach (var source in sources)
        {
            _sources[source.Kind] = source;
        }
        foreach (var sink in sinks)
        {
            _sinks[sink.Kind] = sink;
        }
    }

    public IEnumerable<string> SourceKinds => _sources.Keys.Order(StringComparer.Ordinal);

    public IEnumerable<string> SinkKinds => _sinks.Keys.Order(StringComparer.Ordinal);

    public ISourceConnector? TryGetSource(string kind) => _sources.GetValueOrDefault(kind);

    public ISinkConnector? TryGetSink(string kind) => _sinks.GetValueOrDefault(kind);

    /// <summary>The connector of a source kind; an unknown kind is a <see cref="SpecException"/> at <paramref name="path"/><c>.kind</c>.</summary>
    public ISourceConnector Source(string kind, string path = "$.source") =>
        _sources.TryGetValue(kind, out var connector) ? connector
            : throw new SpecException($"{path}.kind", $"unknown source kind '{kind}'; this silo has {string.Join(", ", SourceKinds)}");

    /// <summary>The connector of a sink kind; an unknown kind is a <see cref="SpecException"/> at <c>$.sink.kind</c>.</summary>
    public ISinkConnector Sink(string kind) =>
        _sinks.TryGetValue(kind, out var connector) ? connector
            : throw new SpecException("$.sink.kind", $"unknown sink kind '{kind}'; this silo has {string.Join(", ", SinkKinds)}");

    /// <summary>The writer grain of a query's sink: <see cref="SinkGrainId"/> of the kind and the target its connector names.</summary>
    public ISinkGrain SinkGrain(IGrainFactory grains, SinkSpec sink, string queryName, Guid queryId)
    {
        var connector = Sink(sink.Kind);
        var id = new SinkGrainId(sink.Kind, connector.Target(sink, queryName, queryId));
        return (ISinkGrain)grains.GetGrain(connector.GrainInterface, id.ToString());
    }

    /// <summary>The memory sink named <paramref name="name"/> (a query's late-rows sink).</summary>
    public static IMemorySinkGrain MemorySink(IGrainFactory grains, string name) => grains.GetGrain<IMemorySinkGrain>(SinkGrainId.Memory(name).ToString());
}
