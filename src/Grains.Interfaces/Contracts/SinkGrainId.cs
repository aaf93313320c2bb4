namespace Sluice.Contracts;

/// <summary>
/// The key of every sink writer grain: <c>&lt;kind&gt;|&lt;target&gt;</c>, where the sink's connector names the target:
/// the query name (<c>memory|revenue</c>: read by name through the client), the query id (<c>kafka|3f2a...</c>: one
/// transactional writer per query) or the output path (<c>parquet|/data/out</c>: one writer per folder, so two queries
/// never race on one). All sink key parsing lives here.
/// </summary>
public readonly record struct SinkGrainId(string Kind, string Target)
{
    /// <summary>The memory sink (or late-rows sink) named <paramref name="name"/>.</summary>
    public static SinkGrainId Memory(string name) => new("memory", name);

    public override string ToString() => $"{Kind}|{Target}";

    public static SinkGrainId Parse(string key)
    {
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && bar < key.Length - 1
            ? new SinkGrainId(key[..bar], key[(bar + 1)..])
            : throw new FormatException($"'{key}' is not a sink grain key (<kind>|<target>)");
    }
}
