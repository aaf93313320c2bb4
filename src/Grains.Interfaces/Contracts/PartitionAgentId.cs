using System.Globalization;

namespace Sluice.Contracts;

/// <summary>The key of a partition agent: <c>&lt;queryId&gt;/&lt;sourceIndex&gt;/&lt;partition&gt;</c>. All key parsing lives here.</summary>
public readonly record struct PartitionAgentId(Guid QueryId, int SourceIndex, int Partition)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{QueryId:N}/{SourceIndex}/{Partition}");

    public static PartitionAgentId Parse(string key)
    {
        var parts = key.Split('/');
        return parts.Length == 3
            && Guid.TryParse(parts[0], out var query)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var source)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
                ? new PartitionAgentId(query, source, partition)
                : throw new FormatException($"'{key}' is not a partition agent key (<queryId>/<sourceIndex>/<partition>)");
    }
}
