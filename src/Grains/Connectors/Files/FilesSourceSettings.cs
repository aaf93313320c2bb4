using Sluice.Spec;

namespace Sluice.Connectors.Files;

/// <summary>The fields of a <c>files</c> source (Spark's file stream source options), read and checked once.</summary>
internal sealed record FilesSourceSettings
{
    public static readonly IReadOnlyList<string> Names =
        ["maxFilesPerTrigger", "latestFirst", "maxFileAge", "cleanSource", "sourceArchiveDir", "header", "sep"];

    public static readonly string[] Formats = ["json", "csv", "parquet", "text"];

    /// <summary>Files per batch at most (none: every new file).</summary>
    public long? MaxFilesPerTrigger { get; init; }

    /// <summary>Newest files first (Spark: useful with a backlog and <c>maxFilesPerTrigger</c>).</summary>
    public bool LatestFirst { get; init; }

    /// <summary>
    /// Files older than the newest file seen minus this are ignored (Spark's default 7 days); ignored itself when
    /// <see cref="LatestFirst"/> and <see cref="MaxFilesPerTrigger"/> are both set, as in Spark.
    /// </summary>
    public TimeSpan MaxFileAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary><c>off</c>, <c>archive</c> (move to <see cref="SourceArchiveDir"/>) or <c>delete</c>, after the file's batch commits.</summary>
    public string CleanSource { get; init; } = "off";

    public string? SourceArchiveDir { get; init; }

    /// <summary>csv: the first line of each file names the columns and is skipped.</summary>
    public bool Header { get; init; }

    /// <summary>csv: the field separator (one character, default ',').</summary>
    public char Separator { get; init; } = ',';

    public static FilesSourceSettings Read(SourceSpec spec, string path)
    {
        var s = new SpecSettings(spec.Settings, path);
        var sep = s.String("sep") ?? ",";
        var settings = new FilesSourceSettings
        {
            MaxFilesPerTrigger = s.PositiveLong("maxFilesPerTrigger"),
            LatestFirst = s.Bool("latestFirst") ?? false,
            MaxFileAge = s.Duration("maxFileAge") ?? TimeSpan.FromDays(7),
            CleanSource = s.OneOf("cleanSource", "off", "archive", "delete")?.ToLowerInvariant() ?? "off",
            SourceArchiveDir = s.String("sourceArchiveDir"),
            Header = s.Bool("header") ?? false,
            Separator = sep.Length == 1 ? sep[0] : throw new SpecException(path + ".sep", $"expected one character, found \"{sep}\""),
        };
        if (settings.CleanSource == "archive" && settings.SourceArchiveDir is null)
        {
            throw new SpecException(path + ".sourceArchiveDir", "cleanSource 'archive' needs a sourceArchiveDir, the folder processed files are moved to");
        }
        return settings;
    }

    /// <summary>Spark ignores maxFileAge when both latestFirst and maxFilesPerTrigger are set.</summary>
    public bool AgeApplies => !(LatestFirst && MaxFilesPerTrigger is not null);
}
