using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Hosting;
using Sluice.Sources;
using Sluice.Sources.Parsing;
using Sluice.Spec;
using Sluice.Storage;

namespace Sluice.Connectors.Files;

/// <summary>
/// The <c>files</c> source (Spark's file stream source): new files in a folder (local, <c>azblob://</c> or <c>s3://</c>),
/// read as json, csv, parquet or text. A file must appear complete: write it under a name starting with '.' or '_'
/// and rename it into place (see docs/connectors.md).
/// </summary>
internal sealed class FilesSourceConnector(IOptions<SluiceOptions> options) : ISourceConnector
{
    public string Kind => "files";

    public IReadOnlyList<string> Settings => FilesSourceSettings.Names;

    public void Validate(SourceSpec spec, string path)
    {
        SourceSchema.RequireKnownSettings(spec, path, this);
        _ = RequirePath(spec, path);
        if (!FilesSourceSettings.Formats.Contains(spec.Format, StringComparer.Ordinal))
        {
            throw new SpecException(path + ".format", $"a files source reads format {string.Join(", ", FilesSourceSettings.Formats)}, not '{spec.Format}'");
        }
        if (spec.Format != "text")
        {
            SourceSchema.Require(spec, path, $"a files source with format {spec.Format}");
        }
        _ = FilesSourceSettings.Read(spec, path);
    }

    public SourceSpec Confine(SourceSpec spec, ConnectorGuard guard)
    {
        // Confine runs before Validate: a missing path is named here, not met as a null.
        var folder = guard.DataPath(RequirePath(spec, "$.source"), "The files source's path");
        var settings = new Dictionary<string, string>(spec.Settings);
        if (FilesSourceSettings.Read(spec, "$.source").SourceArchiveDir is { } archive)
        {
            var archiveFolder = guard.DataPath(archive, "The files source's sourceArchiveDir");
            if (IsSameOrUnder(archiveFolder, folder))
            {
                // The source reads its subfolders (partition folders), so files moved there would be read again.
                throw new SpecException("$.source.sourceArchiveDir",
                    $"the archive folder {archiveFolder} is inside the source folder {folder}, whose subfolders are read too: archived files would be read again. Choose a folder outside the source folder");
            }
            settings["sourceArchiveDir"] = System.Text.Json.JsonSerializer.Serialize(archiveFolder);
        }
        return spec with { Path = folder, Settings = settings };
    }

    public StreamSchema Schema(SourceSpec spec) => spec.Format == "text" ? FileRecords.TextSchema : SourceSchema.FromSpec(spec.Schema);

    public long? MaxOffsetsPerTrigger(SourceSpec spec) => FilesSourceSettings.Read(spec, "$.source").MaxFilesPerTrigger;

    public IStreamSource CreateSource(SourceContext context) =>
        new FilesStreamSource(Store(context.Spec), new FileSourceLog(context.Checkpoint, context.SourceIndex), FilesSourceSettings.Read(context.Spec, "$.source"));

    public IPartitionReader CreateReader(ReaderContext context)
    {
        var settings = FilesSourceSettings.Read(context.Spec, "$.source");
        var records = new FileRecords(context.Spec.Format, context.Schema, ParseModes.Parse(context.Spec.Mode), settings, context.Spec.Path!);
        return new FilesPartitionReader(Store(context.Spec), new FileSourceLog(context.Checkpoint, context.SourceIndex), records);
    }

    public IOffsetCommitter? CreateOffsetCommitter(SourceContext context)
    {
        var settings = FilesSourceSettings.Read(context.Spec, "$.source");
        return settings.CleanSource == "off" ? null
            : new FilesCleaner(Store(context.Spec), new FileSourceLog(context.Checkpoint, context.SourceIndex), settings);
    }

    private static string RequirePath(SourceSpec spec, string path) =>
        string.IsNullOrWhiteSpace(spec.Path) ? throw new SpecException(path + ".path", "a files source needs a path: the folder new files appear in") : spec.Path;

    private static bool IsSameOrUnder(string path, string folder)
    {
        var p = path.TrimEnd('/', '\\');
        var f = folder.TrimEnd('/', '\\');
        return p.Equals(f, StringComparison.Ordinal) || (p.StartsWith(f, StringComparison.Ordinal) && p[f.Length] is '/' or '\\');
    }

    private IFileStore Store(SourceSpec spec) => FileStores.Open(spec.Path!, options.Value);
}
