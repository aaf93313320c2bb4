using System.Globalization;

namespace Sluice.Contracts;

/// <summary>The key of a window grain: <c>&lt;queryId&gt;/&lt;operator&gt;/&lt;keyGroup&gt;</c>.</summary>
public readonly record struct WindowGrainId(Guid QueryId, int Operator, int KeyGroup)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{QueryId:N}/{Operator}/{KeyGroup}");

    public static WindowGrainId Parse(string key)
    {
        var parts = key.Split('/');
        return parts.Length == 3
            && Guid.TryParse(parts[0], out var query)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var op)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var group)
                ? new WindowGrainId(query, op, group)
                : throw new FormatException($"'{key}' is not a window grain key (<queryId>/<operator>/<keyGroup>)");
    }
}
