namespace Sluice.Checkpointing.Blob;

/// <summary>
/// How checkpoints given as <c>azblob://&lt;container&gt;/&lt;prefix&gt;</c> reach Azure Blob Storage
/// (configuration section <c>Sluice:Blob</c>). Folder checkpoints do not use it.
/// </summary>
public sealed class BlobCheckpointOptions
{
    /// <summary>
    /// The storage account's connection string, e.g. <c>UseDevelopmentStorage=true</c> for Azurite
    /// (<c>scripts/azurite.sh</c> prints one). Required as soon as a query's checkpointLocation starts with <c>azblob://</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How long the lease that marks a checkpoint as in use lasts without renewal (15 to 60 seconds; renewed at a third of it).
    /// After a silo dies, a query on its checkpoint can start again once this has passed.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The containers <c>azblob://</c> checkpoint locations may be in (a list; an entry may hold several, separated by
    /// commas). None by default: the connection string opens the whole account, so the operator names what queries may use.
    /// </summary>
    public List<string> AllowedContainers { get; set; } = [];

    /// <summary>Fails with a message naming the setting to fix. A missing connection string is only an error once a query uses azblob://.</summary>
    public void Validate()
    {
        if (LeaseDuration < TimeSpan.FromSeconds(15) || LeaseDuration > TimeSpan.FromSeconds(60))
        {
            throw new InvalidOperationException(
                $"Sluice:Blob:LeaseDuration is {LeaseDuration.TotalSeconds} s; blob leases last 15 to 60 seconds: set it within that range (default 00:00:30).");
        }
    }
}
