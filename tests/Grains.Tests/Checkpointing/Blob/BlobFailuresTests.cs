using Azure;
using Sluice.Checkpointing.Blob;

namespace Sluice.Tests.Checkpointing.Blob;

public sealed class BlobFailuresTests
{
    [Fact]
    public void Unreachable_AnAzureAccount_PointsAtTheNetworkNotAzurite()
    {
        var failure = new AggregateException(new RequestFailedException("Name or service not known (sluiceprod.blob.core.windows.net:443)"));

        var message = BlobFailures.Unreachable(new Uri("https://sluiceprod.blob.core.windows.net/"), "azblob://sluiceprod/checkpoints/revenue", failure);

        Assert.Equal(
            "Cannot reach the blob endpoint https://sluiceprod.blob.core.windows.net/ of checkpoint azblob://sluiceprod/checkpoints/revenue " +
            "(Name or service not known (sluiceprod.blob.core.windows.net:443)). The Azure Storage account does not answer from here: " +
            "check the account name, DNS, firewall and network, and check Sluice:Blob:ConnectionString.",
            message);
    }

    [Fact]
    public void IsUnreachable_AnHttpAnswer_IsNot()
    {
        Assert.True(BlobFailures.IsUnreachable(new AggregateException(new RequestFailedException("refused"), new RequestFailedException("refused"))));
        Assert.False(BlobFailures.IsUnreachable(new RequestFailedException(403, "forbidden")));
        Assert.False(BlobFailures.IsUnreachable(new AggregateException(new RequestFailedException(503, "busy"), new RequestFailedException("refused"))));
    }
}
