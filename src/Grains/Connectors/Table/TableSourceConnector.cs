using Sluice.Data;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Connectors.Table;

/// <summary>
/// The <c>table</c> source: a static table (inline rows, or JSON-lines files under a path) read whole when the query is
/// planned, as the right side of a stream-static join. It has no offsets, so it is never a stream's source.
/// </summary>
internal sealed class TableSourceConnector : ISourceConnector
{
    public string Kind => "table";

    public bool IsStatic => true;

    public void Validate(SourceSpec spec, string path)
    {
        SourceSchema.RequireKnownSettings(spec, path, this);
        if (spec.Path is null && spec.Rows.Count == 0)
        {
            throw new SpecException(path + ".rows", "a table source needs rows (an array of objects) or a path (JSON-lines files)");
        }
        SourceSchema.Require(spec, path, "a table source");
    }

    public SourceSpec Confine(SourceSpec spec, ConnectorGuard guard)
    {
        if (string.IsNullOrWhiteSpace(spec.Path))
        {
            return spec;
        }
        var folder = guard.DataPath(spec.Path, "The table source's path");
        if (Directory.Exists(folder))
        {
            // A file inside the folder may itself be a link out of the roots.
            foreach (var file in Directory.EnumerateFileSystemEntries(folder))
            {
                guard.DataPath(file, "A file of the table source's path");
            }
        }
        return spec with { Path = folder };
    }

    public StreamSchema Schema(SourceSpec spec) => SourceSchema.FromSpec(spec.Schema);

    public IStreamSource CreateSource(SourceContext context) => throw NotAStream();

    public IPartitionReader CreateReader(ReaderContext context) => throw NotAStream();

    private static SpecException NotAStream() =>
        new("$.source.kind", "a table source is static: it can only be the right side of a join with a stream");
}
