namespace Sluice.Checkpointing;

/// <summary>
/// A query's checkpoint: <c>metadata</c>, <c>offsets/N</c>, <c>commits/N</c>, <c>sources/&lt;i&gt;/0</c> (and,
/// with stateful operators, <c>state/</c>).
/// </summary>
internal sealed class Checkpoint(ICheckpointStore store)
{
    public ICheckpointStore Store { get; } = store;

    public MetadataLog<OffsetSeq> Offsets { get; } = new(store, "offsets", OffsetSeqFormat.Instance);

    public MetadataLog<CommitEntry> Commits { get; } = new(store, "commits", CommitEntryFormat.Instance);

    public MetadataLog<SourceOffsets> SourceStart(int sourceIndex) =>
        new(Store, $"sources/{sourceIndex}", SourceOffsetsFormat.Instance);

    /// <summary>Reads the metadata, or writes it (a new id) when the checkpoint is new.</summary>
    public async Task<(CheckpointMetadata Metadata, bool IsNew)> LoadOrCreateMetadataAsync(string queryName, int keyGroups)
    {
        const string path = "metadata";
        var text = await Store.ReadAsync(path);
        if (text is null)
        {
            var created = new CheckpointMetadata(Guid.NewGuid(), CheckpointMetadataFormat.CurrentFormatVersion, keyGroups, queryName);
            if (await Store.TryCreateAsync(path, $"{MetadataLog<CheckpointMetadata>.Version}\n{CheckpointMetadataFormat.Instance.Write(created)}\n"))
            {
                return (created, true);
            }
            text = await Store.ReadAsync(path) ?? throw new CheckpointCorruptException($"{Store.Location}/{path}", "it vanished while being created");
        }
        var metadata = ParseMetadata($"{Store.Location}/{path}", text);
        if (metadata.FormatVersion > CheckpointMetadataFormat.CurrentFormatVersion)
        {
            throw new CheckpointCorruptException($"{Store.Location}/{path}",
                $"format version {metadata.FormatVersion} is newer than this Sluice supports ({CheckpointMetadataFormat.CurrentFormatVersion}); upgrade Sluice");
        }
        return (metadata, false);
    }

    private static CheckpointMetadata ParseMetadata(string where, string text)
    {
        var lines = text.Split('\n', 2);
        if (lines.Length < 2 || lines[0].Trim() != MetadataLog<CheckpointMetadata>.Version)
        {
            throw new CheckpointCorruptException(where, "the first line is not 'v1' (empty, truncated or not a Sluice checkpoint)");
        }
        try
        {
            return CheckpointMetadataFormat.Instance.Read(lines[1]);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CheckpointCorruptException(where, e.Message);
        }
    }
}
