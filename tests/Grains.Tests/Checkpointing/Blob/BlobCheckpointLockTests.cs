using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Time.Testing;
using Sluice.Checkpointing;
using Sluice.Checkpointing.Blob;
using Sluice.Contracts;

namespace Sluice.Tests.Checkpointing.Blob;

public sealed class BlobCheckpointLockTests(AzuriteContainer azurite) : IClassFixture<AzuriteContainer>
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Acquire_WhileAnotherQueryHoldsIt_FailsNamingTheHolder()
    {
        var store = azurite.NewStore();
        using var held = await BlobCheckpointLock.AcquireAsync(store, "revenue", Lease, TimeProvider.System);

        var error = await Assert.ThrowsAsync<QueryStartException>(() => BlobCheckpointLock.AcquireAsync(store, "other", Lease, TimeProvider.System));

        Assert.StartsWith($"Checkpoint {store.Location} is in use by a running query (query 'revenue', host ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"process {Environment.ProcessId}", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Stop that query first, or give this one another checkpointLocation.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acquire_AfterTheHolderDisposedIt_Succeeds()
    {
        var store = azurite.NewStore();
        var first = await BlobCheckpointLock.AcquireAsync(store, "revenue", Lease, TimeProvider.System);
        first.Dispose();

        using var second = await BlobCheckpointLock.AcquireAsync(store, "revenue", Lease, TimeProvider.System);

        Assert.Equal("query 'revenue'", (await store.Blob(".lock").DownloadContentAsync()).Value.Content.ToString().Split(',')[0]);
    }

    [Fact]
    public async Task Acquire_OnACheckpointWithFiles_LeavesTheLockOutOfListings()
    {
        var store = azurite.NewStore();
        await store.TryCreateAsync("metadata", "{}");

        using var held = await BlobCheckpointLock.AcquireAsync(store, "revenue", Lease, TimeProvider.System);

        Assert.Equal(["metadata"], await store.ListAsync(""));
    }

    [Fact]
    public async Task Renew_WhileHeld_KeepsTheLeaseAndItsOwner()
    {
        var store = azurite.NewStore();
        using var held = await BlobCheckpointLock.AcquireAsync(store, "revenue", Lease, TimeProvider.System);

        await held.RenewAsync();

        Assert.False(held.Lost.IsCompleted);
        await Assert.ThrowsAsync<QueryStartException>(() => BlobCheckpointLock.AcquireAsync(store, "other", Lease, TimeProvider.System));
    }

    [Fact]
    public async Task Timer_AfterAnotherTookTheLease_ReportsItLost()
    {
        var store = azurite.NewStore();
        var time = new FakeTimeProvider();
        using var held = await BlobCheckpointLock.AcquireAsync(store, "revenue", Lease, time);
        // A silo cut off past the lease: it ran out (broken here at once) and another query took it.
        var blob = store.Blob(".lock");
        await blob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
        await blob.GetBlobLeaseClient().AcquireAsync(Lease);

        time.Advance(Lease / 3);

        await held.Lost.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ThrowIfLost_AfterTheLeaseWasBroken_ThrowsNamingTheCheckpointAndTheCause()
    {
        var store = azurite.NewStore();
        var time = new FakeTimeProvider();
        using var held = await BlobCheckpointLock.AcquireAsync(store, "revenue", Lease, time);
        held.ThrowIfLost();
        await store.Blob(".lock").GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);

        time.Advance(Lease / 3);
        await held.Lost.WaitAsync(TimeSpan.FromSeconds(30));

        var e = Assert.Throws<CheckpointLockLostException>(held.ThrowIfLost);
        Assert.StartsWith($"The query lost its lock on checkpoint {store.Location} (its lease could not be renewed: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("another process broke or took it", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acquire_WhenTheAccountDoesNotAnswer_FailsNamingTheEndpoint()
    {
        var endpoint = $"http://127.0.0.1:{BlobCheckpointStoreTests.ClosedPort()}/devstoreaccount1";
        var store = BlobCheckpointStoreTests.UnreachableStore(endpoint, "checkpoints", "revenue");

        var error = await Assert.ThrowsAsync<QueryStartException>(() => BlobCheckpointLock.AcquireAsync(store, "revenue", Lease, TimeProvider.System));

        Assert.StartsWith($"Cannot reach the blob endpoint {endpoint} of checkpoint azblob://devstoreaccount1/checkpoints/revenue", error.Message, StringComparison.Ordinal);
        Assert.Contains("start it with scripts/azurite.sh", error.Message, StringComparison.Ordinal);
    }
}
