namespace Sluice.Sources.Parsing;

/// <summary>Reads a spec's <c>mode</c> option, spelled as in Spark.</summary>
internal static class ParseModes
{
    public const string ValidNames = "PERMISSIVE, DROPMALFORMED, FAILFAST";

    /// <summary>Parses <c>PERMISSIVE</c> (also the default when absent), <c>DROPMALFORMED</c> or <c>FAILFAST</c>, ignoring case.</summary>
    public static ParseMode Parse(string? mode) => mode?.Trim().ToUpperInvariant() switch
    {
        null or "" or "PERMISSIVE" => ParseMode.Permissive,
        "DROPMALFORMED" => ParseMode.DropMalformed,
        "FAILFAST" => ParseMode.FailFast,
        _ => throw new ArgumentException($"Unknown parse mode '{mode}'; use one of {ValidNames}.", nameof(mode)),
    };

    public static string ToSparkName(ParseMode mode) => mode switch
    {
        ParseMode.DropMalformed => "DROPMALFORMED",
        ParseMode.FailFast => "FAILFAST",
        _ => "PERMISSIVE",
    };
}
