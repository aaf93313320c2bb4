using Azure.Storage.Blobs.Models;
using Sluice.Checkpointing;
using Sluice.Checkpointing.Blob;

namespace Sluice.Tests.Checkpointing.Blob;

public sealed class BlobMetadataLogTests(AzuriteContainer azurite) : MetadataLogContractTests, IClassFixture<AzuriteContainer>
{
    private readonly string _prefix = AzuriteContainer.NewPrefix();

    private protected override ICheckpointStore CreateStore() => new BlobCheckpointStore(azurite.Client, _prefix);

    [Fact]
    public async Task Add_WritesSparkLikeTextUnderThePrefix()
    {
        var log = new MetadataLog<OffsetSeq>(Store, "offsets", OffsetSeqFormat.Instance);
        await log.AddAsync(0, new OffsetSeq(0, 1700000000000, [new SourceOffsets("events", new Dictionary<int, long> { [1] = 118, [0] = 120 })]));

        var blob = await azurite.Client.GetBlobClient($"{_prefix}/offsets/0").DownloadContentAsync();

        Assert.Equal("v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1700000000000,\"conf\":{\"watermarkPolicy\":\"min\"}}\n{\"events\":{\"0\":120,\"1\":118}}\n", blob.Value.Content.ToString());
        var names = new List<string>();
        await foreach (var item in azurite.Client.GetBlobsAsync(new GetBlobsOptions { Prefix = _prefix + "/" }))
        {
            names.Add(item.Name);
        }
        Assert.Equal([$"{_prefix}/offsets/0"], names);
    }
}
