using Azure.Storage.Blobs;
using Sluice.Checkpointing.Blob;

namespace Sluice.Tests.Checkpointing.Blob;

/// <summary>
/// A container of its own in Azurite for one test class, deleted afterwards; each test takes a fresh prefix in it.
/// The connection string comes from <c>SLUICE_AZURITE</c> (default: Azurite's well-known development account on
/// 127.0.0.1:10000). Azurite not answering fails the tests (run scripts/azurite.sh): they are never skipped.
/// </summary>
public sealed class AzuriteContainer : IDisposable
{
    public const string DevelopmentConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

    private readonly List<BlobContainerClient> _containers = [];

    public AzuriteContainer()
    {
        // Few quick retries: a missing Azurite should fail the class in a second, not after the SDK's 25 s of backoff.
        Service = new BlobServiceClient(ConnectionString, new BlobClientOptions { Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(100) } });
        Client = NewContainer();
        try
        {
            Client.Create();
        }
        catch (Exception e) when (BlobFailures.IsUnreachable(e))
        {
            throw new InvalidOperationException(
                $"Azurite is not reachable at {Service.Uri}: start it with scripts/azurite.sh " +
                "(and set SLUICE_AZURITE to its connection string if it is not Azurite's default endpoint).", e);
        }
    }

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("SLUICE_AZURITE") is { Length: > 0 } configured ? configured : DevelopmentConnectionString;

    internal BlobServiceClient Service { get; }

    /// <summary>The class's container, created.</summary>
    internal BlobContainerClient Client { get; }

    internal BlobCheckpointOptions Options => new() { ConnectionString = ConnectionString };

    /// <summary>A store under a prefix no other test uses.</summary>
    internal BlobCheckpointStore NewStore() => new(Client, NewPrefix());

    internal static string NewPrefix() => $"checkpoints/{Guid.NewGuid():N}";

    /// <summary>A client for another uniquely named container, not created but deleted with the class's.</summary>
    internal BlobContainerClient NewContainer()
    {
        var container = Service.GetBlobContainerClient($"sluice-test-{Guid.NewGuid():N}");
        _containers.Add(container);
        return container;
    }

    public void Dispose()
    {
        foreach (var container in _containers)
        {
            container.DeleteIfExists();
        }
    }
}
