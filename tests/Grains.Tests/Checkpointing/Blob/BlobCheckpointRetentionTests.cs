using Sluice.Checkpointing;
using Sluice.Checkpointing.Blob;

namespace Sluice.Tests.Checkpointing.Blob;

public sealed class BlobCheckpointRetentionTests(AzuriteContainer azurite) : CheckpointRetentionContractTests, IClassFixture<AzuriteContainer>
{
    private protected override ICheckpointStore CreateStore() => new BlobCheckpointStore(azurite.Client, AzuriteContainer.NewPrefix());
}
