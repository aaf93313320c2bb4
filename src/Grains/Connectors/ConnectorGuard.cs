using Sluice.Checkpointing.Blob;
using Sluice.Contracts;
using Sluice.Hosting;
using Sluice.Security;

namespace Sluice.Connectors;

/// <summary>
/// The allow-lists a connector checks its spec part against when a query starts (docs/security.md): data paths
/// (folders under the data roots, <c>azblob://</c> containers and <c>s3://</c> buckets the operator lists), Kafka
/// settings and brokers, and socket hosts. Each refusal is a <see cref="QueryStartException"/> naming the setting that
/// would allow it.
/// </summary>
public sealed class ConnectorGuard
{
    private readonly SluiceOptions _options;
    private readonly PathRoots _dataRoots;
    private readonly KafkaSettingsPolicy _kafka;

    internal ConnectorGuard(SluiceOptions options)
    {
        _options = options;
        _dataRoots = PathRoots.ForData(options);
        _kafka = new KafkaSettingsPolicy(options.Kafka, options.KafkaBootstrapServers);
    }

    /// <summary>
    /// A folder or object-store location a source reads or a sink writes: a local path made absolute under the data
    /// roots, or an <c>azblob://</c> / <c>s3://</c> location whose container or bucket is allowed, returned as given.
    /// </summary>
    public string DataPath(string path, string what)
    {
        if (BlobLocation.IsBlob(path))
        {
            var container = BlobLocation.Parse(path).Container;
            Allow(SettingLists.Entries(_options.Blob.AllowedContainers), container, what, path, "blob container", "Sluice:Blob:AllowedContainers");
            return path;
        }
        if (Storage.S3Location.IsS3(path))
        {
            var bucket = Storage.S3Location.Parse(path).Bucket;
            Allow(SettingLists.Entries(_options.S3.AllowedBuckets), bucket, what, path, "S3 bucket", "Sluice:S3:AllowedBuckets");
            return path;
        }
        return _dataRoots.Confine(path, what);
    }

    /// <summary>Kafka client settings and bootstrap servers from a spec (<see cref="KafkaSettingsPolicy"/>).</summary>
    public void Kafka(IReadOnlyDictionary<string, string>? options, string? bootstrapServers, string where)
    {
        if (options is not null)
        {
            _kafka.CheckOptions(options, where);
        }
        _kafka.CheckBootstrapServers(bootstrapServers, where);
    }

    /// <summary>A host a source connects to (<c>Sluice:Socket:AllowedHosts</c>, none by default).</summary>
    public void Host(string host, string what) =>
        Allow(SettingLists.Entries(_options.Socket.AllowedHosts), host, what, host, "host", "Sluice:Socket:AllowedHosts");

    private static void Allow(IEnumerable<string> allowedEntries, string value, string what, string given, string noun, string setting)
    {
        var allowed = allowedEntries.ToList();
        if (!allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            throw new QueryStartException(
                $"{what} '{given}' is in {noun} '{value}', which this silo does not allow (allowed: " +
                $"{(allowed.Count == 0 ? "none configured" : string.Join(", ", allowed))}). The operator lists them in {setting}.");
        }
    }
}
