namespace Sluice.Storage;

/// <summary>A file a source may read: its full location (a local path, <c>azblob://...</c> or <c>s3://...</c>), size and modification time.</summary>
public sealed record StoredFile(string Path, long Size, long ModifiedMs);
