using System.Text;
using System.Text.RegularExpressions;
using Sluice.Checkpointing.Blob;
using Sluice.Contracts;
using Sluice.Hosting;
using Sluice.Sinks.Files;
using Sluice.Spec;

namespace Sluice.Security;

/// <summary>
/// What a spec may reach, checked once when a query starts (and restarts) and before anything is planned, read or
/// written: its name and size, the number of active queries, its checkpoint location (a folder under the checkpoint
/// roots, or a blob container the operator allows), its file sink and table paths (under the data roots), and its
/// Kafka settings and brokers (<see cref="KafkaSettingsPolicy"/>). Every refusal is a <see cref="QueryStartException"/>
/// that names what was refused and the setting that would allow it. docs/security.md lists the rules.
/// </summary>
internal sealed partial class SpecGuard
{
    public const int MaxNameLength = 128;

    private readonly SluiceOptions _options;
    private readonly PathRoots _checkpointRoots;
    private readonly PathRoots _dataRoots;
    private readonly KafkaSettingsPolicy _kafka;

    public SpecGuard(SluiceOptions options)
    {
        _options = options;
        _checkpointRoots = PathRoots.ForCheckpoints(options);
        _dataRoots = PathRoots.ForData(options);
        _kafka = new KafkaSettingsPolicy(options.Kafka, options.KafkaBootstrapServers);
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
        ConfineSink(spec.Sink);
        var confined = spec with
        {
            Source = ConfineSource(spec.Source),
            Operators = ConfineOperators(spec.Operators),
        };
        return (confined, checkpointPath);
    }

    private string ConfineCheckpoint(string location)
    {
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

    private void ConfineSink(SinkSpec sink)
    {
        if (FileSinkFormat.TryParse(sink.Kind, out _) && !string.IsNullOrWhiteSpace(sink.Path))
        {
            _dataRoots.Confine(sink.Path, $"The {sink.Kind} sink's path");
        }
        if (sink.Kind == "kafka")
        {
            _kafka.CheckBootstrapServers(sink.BootstrapServers, $"The kafka sink on topic '{sink.Topic}'");
        }
    }

    private IReadOnlyList<OperatorSpec> ConfineOperators(IReadOnlyList<OperatorSpec> operators) =>
        operators.Select(op => op switch
        {
            UnionSpec union => union with { Other = ConfineStream(union.Other) },
            JoinSpec join => join with { Right = ConfineStream(join.Right) },
            _ => op,
        }).ToList();

    private SubStreamSpec ConfineStream(SubStreamSpec stream) => new(ConfineSource(stream.Source), ConfineOperators(stream.Operators));

    private SourceSpec ConfineSource(SourceSpec source)
    {
        if (source.Kind == "kafka")
        {
            var where = $"The kafka source on topic '{source.Topic}'";
            _kafka.CheckOptions(source.Options, where);
            _kafka.CheckBootstrapServers(source.BootstrapServers, where);
        }
        if (source.Kind == "table" && !string.IsNullOrWhiteSpace(source.Path))
        {
            var folder = _dataRoots.Confine(source.Path, "The table source's path");
            if (Directory.Exists(folder))
            {
                // A file inside the folder may itself be a link out of the roots.
                foreach (var file in Directory.EnumerateFileSystemEntries(folder))
                {
                    _dataRoots.Confine(file, "A file of the table source's path");
                }
            }
            return source with { Path = folder };
        }
        return source;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex QueryName();
}
