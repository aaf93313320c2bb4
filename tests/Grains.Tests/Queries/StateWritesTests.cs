using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;
using Sluice.Queries;

namespace Sluice.Tests.Queries;

public sealed class StateWritesTests
{
    [Fact]
    public async Task ApplyAsync_WhenAnotherWriterMovedTheETag_AppliesTheChangeToWhatItWroteAndWritesThat()
    {
        var store = new EtagStore();
        var state = new FakeState(store);
        await state.ReadStateAsync();
        store.WriteBehindItsBack(["other"]);

        await StateWrites.ApplyAsync(state, s => s.Add("mine"), "a test change", NullLogger.Instance);

        Assert.Equal(["other", "mine"], store.Data);
        Assert.Equal(2, store.Writes);
    }

    [Fact]
    public async Task ApplyAsync_WhenEveryAttemptFails_ThrowsNamingTheChangeAndTheLastError()
    {
        var store = new EtagStore { FailingWrites = StateWrites.Attempts };
        var state = new FakeState(store);

        var e = await Assert.ThrowsAsync<OrleansException>(() => StateWrites.ApplyAsync(state, s => s.Add("mine"), "a test change", NullLogger.Instance));

        Assert.Equal(
            "The query registry could not save a test change in the cluster's grain storage (3 attempts, reading the state again before each retry): " +
            "the store is down", e.Message);
        Assert.Equal(StateWrites.Attempts, store.Writes);
        Assert.Empty(store.Data);
    }

    /// <summary>One record with an ETag: a write must bring the current ETag (as Redis's and Azure's providers check).</summary>
    private sealed class EtagStore
    {
        public List<string> Data { get; private set; } = [];

        public string? ETag { get; private set; }

        public int Writes { get; private set; }

        public int FailingWrites { get; set; }

        public void WriteBehindItsBack(List<string> data) => (Data, ETag) = ([.. data], Guid.NewGuid().ToString("N"));

        public string Write(List<string> data, string? etag)
        {
            Writes++;
            if (FailingWrites-- > 0)
            {
                throw new OrleansException("the store is down");
            }
            if (etag != ETag)
            {
                throw new InconsistentStateException($"ETag {etag} is not the stored {ETag}");
            }
            WriteBehindItsBack(data);
            return ETag!;
        }
    }

    private sealed class FakeState(EtagStore store) : IPersistentState<List<string>>
    {
        public List<string> State { get; set; } = [];

        public string? Etag { get; private set; }

        public bool RecordExists => Etag is not null;

        public Task ReadStateAsync()
        {
            (State, Etag) = ([.. store.Data], store.ETag);
            return Task.CompletedTask;
        }

        public Task WriteStateAsync()
        {
            Etag = store.Write([.. State], Etag);
            return Task.CompletedTask;
        }

        public Task ClearStateAsync() => throw new NotSupportedException();
    }
}
