using System.Globalization;
using System.Text.Json;

namespace Sluice.Checkpointing;

/// <summary>Offsets of one source: outer key (topic or stream name) and partition to offset.</summary>
internal sealed record SourceOffsets(string Key, IReadOnlyDictionary<int, long> Partitions)
{
    public long this[int partition] => Partitions.TryGetValue(partition, out var o) ? o : 0;

    public long Total => Partitions.Values.Sum();
}

/// <summary>
/// The entry of <c>offsets/N</c> (Spark's OffsetSeq): the batch's end offsets per source, with the watermark and
/// timestamp the batch runs with, so a replay after a crash is the same batch.
/// </summary>
internal sealed record OffsetSeq(long BatchWatermarkMs, long BatchTimestampMs, IReadOnlyList<SourceOffsets> Sources)
{
    /// <summary>The query's multipleWatermarkPolicy (<c>min</c> or <c>max</c>), kept with every batch as Spark keeps its conf, so a restart keeps it.</summary>
    public string WatermarkPolicy { get; init; } = "min";
}

/// <summary>Writes <see cref="OffsetSeq"/> as a metadata line and one line per source (Spark's layout).</summary>
internal sealed class OffsetSeqFormat : IEntryFormat<OffsetSeq>
{
    public static readonly OffsetSeqFormat Instance = new();

    public string Write(OffsetSeq entry)
    {
        var meta = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["batchWatermarkMs"] = entry.BatchWatermarkMs,
            ["batchTimestampMs"] = entry.BatchTimestampMs,
            ["conf"] = new Dictionary<string, string> { ["watermarkPolicy"] = entry.WatermarkPolicy },
        });
        return meta + "\n" + string.Join("\n", entry.Sources.Select(WriteSource));
    }

    public OffsetSeq Read(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 2)
        {
            throw new FormatException("expected a metadata line and at least one source line");
        }
        using var meta = JsonDocument.Parse(lines[0]);
        var policy = meta.RootElement.TryGetProperty("conf", out var conf) && conf.TryGetProperty("watermarkPolicy", out var p) ? p.GetString() ?? "min" : "min";
        return new OffsetSeq(
            meta.RootElement.GetProperty("batchWatermarkMs").GetInt64(),
            meta.RootElement.GetProperty("batchTimestampMs").GetInt64(),
            lines.Skip(1).Select(ReadSource).ToList()) { WatermarkPolicy = policy };
    }

    public static string WriteSource(SourceOffsets source) =>
        JsonSerializer.Serialize(new Dictionary<string, SortedDictionary<string, long>>
        {
            [source.Key] = new(source.Partitions.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => p.Value), StringComparer.Ordinal),
        });

    public static SourceOffsets ReadSource(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var outer = doc.RootElement.EnumerateObject().Single();
        var partitions = new Dictionary<int, long>();
        foreach (var p in outer.Value.EnumerateObject())
        {
            partitions[int.Parse(p.Name, CultureInfo.InvariantCulture)] = p.Value.GetInt64();
        }
        return new SourceOffsets(outer.Name, partitions);
    }
}

/// <summary>The entry of <c>sources/&lt;i&gt;/0</c>: where source i starts, resolved once from <c>startingOffsets</c>.</summary>
internal sealed class SourceOffsetsFormat : IEntryFormat<SourceOffsets>
{
    public static readonly SourceOffsetsFormat Instance = new();

    public string Write(SourceOffsets entry) => OffsetSeqFormat.WriteSource(entry);

    public SourceOffsets Read(string text) => OffsetSeqFormat.ReadSource(text.Trim());
}
