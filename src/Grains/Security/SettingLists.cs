namespace Sluice.Security;

/// <summary>List settings accept one value per entry or several separated by commas (easier to set in one environment variable).</summary>
internal static class SettingLists
{
    /// <summary>The entries of a list setting, split at commas, trimmed, without empties.</summary>
    public static IEnumerable<string> Entries(IEnumerable<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
