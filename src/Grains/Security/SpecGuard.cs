using System.Text;
using System.Text.RegularExpressions;
using Sluice.Checkpointing.Blob;
using Sluice.Connectors;
using Sluice.Contracts;
using Sluice.Hosting;
using Sluice.Connectors.Files;
using Sluice.Spec;

namespace Sluice.Security;

/// <summary>
/// What a spec may reach, checked once when a query starts (and restarts) and before anything is planned, read or
/// written: its name and size, the number of active queries, its checkpoint location (a folder under the checkpoint
/// roots, or a blob container the operator allows), and what each source and sink connector reaches
/// (<see cref="ISourceConnector.Confine"/>: paths under the data roots, Kafka settings and brokers, hosts; see <see cref="ConnectorGuard"/>). Every refusal is a <see cref="QueryStartException"/>
/// that names what was refused and the setting that would allow it. docs/security.md lists the rules.
/// </summary>
internal sealed partial class SpecGuard
{
    public const int MaxNameLength = 128;

    private readonly SluiceOptions _options;
    private readonly PathRoots _checkpointRoots;
    private readonly ConnectorRegistry _connectors;
    private readonly ConnectorGuard _guard;

    public SpecGuard(SluiceOptions options, ConnectorRegistry connectors)
    {
        _options = options;
        _checkpointRoots = PathRoots.ForCheckpoints(options);
        _connectors = connectors;
        _guard = new ConnectorGuard(options);
    }

    /// <summary>Refuses a name that could not serve as a folder, a grain key and a URL segment as it is.</summary>
    public static void CheckName(string name)
    {
        if (!QueryName().IsMatch(name ?? ""))
        {
            throw new QueryStartException(
                $"The query name '{name}' is not allowed: use 1 to {MaxNameLength} letters (A-Z, a-z), digits, '_', '.' or '-', starting with " +
                "a letter, a digit or '_'. The name is the default checkpoint folder and appears in URLs and metrics.");
        }
    }

    /// <summary>Refuses a spec larger than <c>Sluice:Limits:MaxSpecBytes</c>.</summary>
    public void CheckSize(QuerySpec spec)
    {
        var bytes = Encoding.UTF8.GetByteCount(SpecWriter.Write(spec, indented: false));
        if (bytes > _options.Limits.MaxSpecBytes)
        {
            throw new QueryStartException(
                $"The spec of query '{spec.Name}' is {bytes} bytes, over this silo's limit of {_options.Limits.MaxSpecBytes} " +
                "(Sluice:Limits:MaxSpecBytes). Move large inline table rows to a table path, or ask the operator to raise the limit.");
        }
    }

    /// <summary>Refuses one more query when <paramref name="activeOthers"/> queries are already active.</summary>
    public void CheckActiveQueries(string name, int activeOthers)
    {
        if (activeOthers >= _options.Limits.MaxActiveQueries)
        {
            throw new QueryStartException(
                $"Cannot start query '{name}': {activeOthers} queries are active, and this cluster allows {_options.Limits.MaxActiveQueries} " +
                "(Sluice:Limits:MaxActiveQueries). Stop a query first, or ask the operator to raise the limit.");
        }
    }

    /// <summary>
    /// The spec's checkpoint location resolved (a folder made absolute, or the blob location as given) and the spec
    /// with its table paths made absolute, so every silo that plans it reads the file that was checked.
    /// </summary>
    public (QuerySpec Spec, string CheckpointPath) Confine(QuerySpec spec)
    {
        var checkpointPath = ConfineCheckpoint(spec.CheckpointLocation ?? spec.Name);
        var confined = spec with
        {
            Sink = ConfineSink(spec.Sink),
            Source = ConfineSource(spec.Source),
            Operators = ConfineOperators(spec.Operators),
        };
        return (confined, checkpointPath);
    }

    private string ConfineCheckpoint(string location)
    {
        if (Storage.S3Location.IsS3(location))
        {
            return _guard.DataPath(location, "The checkpointLocation");
        }
        if (!CheckpointLocations.IsBlob(location))
        {
            return _checkpointRoots.Confine(location, "The checkpointLocation");
        }
        var container = BlobLocation.Parse(location).Container;
        var allowed = SettingLists.Entries(_options.Blob.AllowedContainers).ToList();
        if (!allowed.Contains(container, StringComparer.Ordinal))
        {
            throw new QueryStartException(
                $"The checkpointLocation '{location}' is in blob container '{container}', which this silo does not allow " +
                $"(allowed: {(allowed.Count == 0 ? "none configured" : string.Join(", ", allowed))}). The operator lists the containers " +
                "queries may use in Sluice:Blob:AllowedContainers; or use a folder checkpointLocation.");
        }
        return location;
    }

    private IReadOnlyList<OperatorSpec> ConfineOperators(IReadOnlyList<OperatorSpec> operators) =>
        operators.Select(op => op switch
        {
            UnionSpec union => union with { Other = ConfineStream(union.Other) },
            JoinSpec join => join with { Right = ConfineStream(join.Right) },
            _ => op,
        }).ToList();

    private SubStreamSpec ConfineStream(SubStreamSpec stream) => new(ConfineSource(stream.Source), ConfineOperators(stream.Operators));

    // Each connector checks what its spec part reaches; an unknown kind is left to the planner, which names the kinds.
    private SourceSpec ConfineSource(SourceSpec source) =>
        _connectors.TryGetSource(source.Kind) is { } connector ? connector.Confine(source, _guard) : source;

    private SinkSpec ConfineSink(SinkSpec sink) =>
        _connectors.TryGetSink(sink.Kind) is { } connector ? connector.Confine(sink, _guard) : sink;

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex QueryName();
}
