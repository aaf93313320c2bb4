using System.Text.Json;

namespace Sluice.Checkpointing;

/// <summary>The entry of <c>commits/N</c>: the batch is done, and the watermark batch N+1 runs with.</summary>
internal sealed record CommitEntry(long NextBatchWatermarkMs);

internal sealed class CommitEntryFormat : IEntryFormat<CommitEntry>
{
    public static readonly CommitEntryFormat Instance = new();

    public string Write(CommitEntry entry) =>
        JsonSerializer.Serialize(new Dictionary<string, long> { ["nextBatchWatermarkMs"] = entry.NextBatchWatermarkMs });

    public CommitEntry Read(string text)
    {
        using var doc = JsonDocument.Parse(text);
        return new CommitEntry(doc.RootElement.GetProperty("nextBatchWatermarkMs").GetInt64());
    }
}
