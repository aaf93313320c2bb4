using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Sluice.Silo.Hosting;

/// <summary>
/// Membership and reminders in Azure Table storage, grain state (the query registry, stream pub-sub) as JSON blobs
/// (<c>Silo:Provider=azure</c>, <c>AzureStorage:ConnectionString</c>): Orleans' own Azure Storage providers. Azurite's
/// blob and table services stand in locally (<c>scripts/azurite.sh</c>).
/// </summary>
internal sealed partial class AzureClusterStore(string connectionString, string prefix) : IClusterStore
{
    // Generous: a storage emulator on a loaded machine can take seconds to answer, and a silo that gives up at start
    // is worse than one that starts late.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The membership table (rows keyed by the cluster id).</summary>
    public string MembershipTable => prefix + "membership";

    /// <summary>The reminders table (rows keyed by the service id and grain id).</summary>
    public string RemindersTable => prefix + "reminders";

    /// <summary>The container of grain state blobs (one per grain, named by its grain type and key).</summary>
    public string StateContainer => prefix + "-grainstate";

    public void Use(ISiloBuilder builder, string pubSubStore)
    {
        builder.UseAzureStorageClustering(o =>
        {
            o.TableServiceClient = new TableServiceClient(connectionString);
            o.TableName = MembershipTable;
        });
        builder.AddAzureBlobGrainStorageAsDefault(o =>
        {
            o.BlobServiceClient = new BlobServiceClient(connectionString);
            o.ContainerName = StateContainer;
        });
        builder.AddAzureBlobGrainStorage(pubSubStore, o =>
        {
            o.BlobServiceClient = new BlobServiceClient(connectionString);
            o.ContainerName = StateContainer;
        });
        builder.UseAzureTableReminderService(o =>
        {
            o.TableServiceClient = new TableServiceClient(connectionString);
            o.TableName = RemindersTable;
        });
    }

    /// <summary>Checks the settings and that the account's Table and Blob services answer.</summary>
    public static AzureClusterStore Connect(AzureStorageSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new InvalidOperationException(
                "Cluster mode with Silo:Provider=azure needs AzureStorage:ConnectionString, the storage account's connection string " +
                "(from a secret: the environment variable AzureStorage__ConnectionString). For Azurite: " +
                "export AzureStorage__ConnectionString=\"$(scripts/azurite.sh)\".");
        }
        if (!PrefixPattern().IsMatch(settings.NamePrefix))
        {
            throw new InvalidOperationException(
                $"AzureStorage:NamePrefix is '{settings.NamePrefix}'; use 3 to 40 lowercase letters and digits starting with a letter " +
                "(it starts table and container names), e.g. 'sluice'.");
        }
        var connectionString = settings.ConnectionString;
        try
        {
            var tables = new TableServiceClient(connectionString, new TableClientOptions { Retry = { MaxRetries = 2, NetworkTimeout = ProbeTimeout } });
            _ = tables.Query(maxPerPage: 1).AsPages().FirstOrDefault();
            var blobs = new BlobServiceClient(connectionString, new BlobClientOptions { Retry = { MaxRetries = 2, NetworkTimeout = ProbeTimeout } });
            _ = blobs.GetBlobContainers().AsPages(pageSizeHint: 1).FirstOrDefault();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"AzureStorage:ConnectionString cannot be parsed: {e.Message} Give a storage account connection string with its " +
                "BlobEndpoint and TableEndpoint (or DefaultEndpointsProtocol, AccountName and AccountKey).", e);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or TimeoutException or OperationCanceledException)
        {
            throw new InvalidOperationException(
                $"The Azure Storage account of AzureStorage:ConnectionString cannot be reached or refused the silo: {e.Message} " +
                "Check the account's Table and Blob endpoints and key (for Azurite, start both services: scripts/azurite.sh).", e);
        }
        return new AzureClusterStore(connectionString, settings.NamePrefix);
    }

    [GeneratedRegex("^[a-z][a-z0-9]{2,39}$")]
    private static partial Regex PrefixPattern();
}
