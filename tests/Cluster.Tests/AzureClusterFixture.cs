using Azure.Data.Tables;
using Azure.Storage.Blobs;

namespace Sluice.ClusterTests;

/// <summary>
/// The cluster on Azure Storage: Azurite's table service (membership, reminders) and blob service (grain state), which
/// scripts/azurite.sh starts and the test script exports as <c>SLUICE_AZURITE</c>. Each fixture names its tables and
/// container with a prefix of its own and deletes them afterwards, so runs sharing one Azurite do not see each other.
/// </summary>
public sealed class AzureClusterFixture : ClusterFixture
{
    /// <summary>Azurite's well-known development account on its default blob and table ports.</summary>
    public const string DevelopmentConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    private readonly string _prefix = "t" + Guid.NewGuid().ToString("N")[..10];

    public override string Provider => "azure";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("SLUICE_AZURITE") is { Length: > 0 } configured && configured.Contains("TableEndpoint=", StringComparison.Ordinal)
            ? configured
            : DevelopmentConnectionString;

    protected override Task<(string[] Args, IReadOnlyDictionary<string, string> Environment)> StartStoreAsync() =>
        Task.FromResult<(string[], IReadOnlyDictionary<string, string>)>((
            ["--Silo:Provider=azure", $"--AzureStorage:NamePrefix={_prefix}"],
            // From the environment, as deploy/ passes it from a secret: the account key is not for `ps` to show.
            new Dictionary<string, string> { ["AzureStorage__ConnectionString"] = ConnectionString }));

    protected override async Task StopStoreAsync()
    {
        try
        {
            var tables = new TableServiceClient(ConnectionString);
            await tables.DeleteTableAsync(_prefix + "membership");
            await tables.DeleteTableAsync(_prefix + "reminders");
            await new BlobServiceClient(ConnectionString).DeleteBlobContainerAsync(_prefix + "-grainstate");
        }
        catch (Azure.RequestFailedException)
        {
            // Never created (the silos did not start) or already gone.
        }
    }
}
