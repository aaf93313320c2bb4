using System.Text.Json;

namespace Sluice.Checkpointing;

/// <summary>The checkpoint's <c>metadata</c> file: the query's stable id and what the state layout depends on.</summary>
internal sealed record CheckpointMetadata(Guid Id, int FormatVersion, int KeyGroups, string QueryName);

internal sealed class CheckpointMetadataFormat : IEntryFormat<CheckpointMetadata>
{
    public const int CurrentFormatVersion = 1;

    /// <summary>Key groups of a new checkpoint unless the query's <c>keyGroups</c> option says otherwise (Spark's shuffle partitions).</summary>
    public const int DefaultKeyGroups = 8;

    public static readonly CheckpointMetadataFormat Instance = new();

    public string Write(CheckpointMetadata entry) => JsonSerializer.Serialize(new
    {
        id = entry.Id,
        formatVersion = entry.FormatVersion,
        keyGroups = entry.KeyGroups,
        queryName = entry.QueryName,
    });

    public CheckpointMetadata Read(string text)
    {
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        return new CheckpointMetadata(
            root.GetProperty("id").GetGuid(),
            root.GetProperty("formatVersion").GetInt32(),
            root.GetProperty("keyGroups").GetInt32(),
            root.TryGetProperty("queryName", out var n) ? n.GetString() ?? "" : "");
    }
}
