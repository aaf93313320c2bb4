using Sluice.Spec;

namespace Sluice.Connectors.Files;

/// <summary>
/// The key of a file sink grain: <c>&lt;kind&gt;|&lt;output path&gt;</c>, e.g. <c>parquet|/data/warehouse/revenue</c>.
/// A relative path is kept as the spec gives it and resolved under the silo's data root by the grain
/// (<see cref="Security.PathRoots.ForData"/>, which also refuses a folder outside the allowed roots), so every caller
/// names the same grain without knowing the silo's settings. All key parsing lives here.
/// </summary>
internal readonly record struct FileSinkId(FileSinkFormat Format, string Path)
{
    public override string ToString() => $"{Format.Name}|{Path}";

    /// <summary>The id of a <c>parquet</c> or <c>json</c> sink spec; throws naming the missing piece.</summary>
    public static FileSinkId From(SinkSpec sink)
    {
        if (!FileSinkFormat.TryParse(sink.Kind, out var format))
        {
            throw new ArgumentException($"'{sink.Kind}' is not a file sink kind (parquet, json)", nameof(sink));
        }
        if (string.IsNullOrWhiteSpace(sink.Path))
        {
            throw new ArgumentException($"A {sink.Kind} sink needs a 'path': the folder its files are written to.", nameof(sink));
        }
        return new FileSinkId(format, Normalize(sink.Path));
    }

    public static FileSinkId Parse(string key)
    {
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && bar < key.Length - 1 && FileSinkFormat.TryParse(key[..bar], out var format)
            ? new FileSinkId(format, key[(bar + 1)..])
            : throw new FormatException($"'{key}' is not a file sink key (<parquet|json>|<output path>)");
    }

    // "out/x/" and "out/x" must name the same grain, or two activations would write one folder.
    public static string Normalize(string path)
    {
        var trimmed = System.IO.Path.TrimEndingDirectorySeparator(path.Trim());
        return System.IO.Path.IsPathRooted(trimmed) ? System.IO.Path.GetFullPath(trimmed) : trimmed;
    }
}
