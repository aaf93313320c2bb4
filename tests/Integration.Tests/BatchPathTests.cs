using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sluice.Cli.Scenarios;
using Sluice.Client;
using Sluice.Connectors;
using Sluice.Connectors.Memory;
using Sluice.Data;
using Sluice.Progress;
using Sluice.Silo.Hosting;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.IntegrationTests;

/// <summary>
/// What stays off a batch's path with the default trigger: the consumer-group commit (for lag tools) runs after
/// <c>commits/N</c> without holding the batch, yet lands, in batch order, before the query reports itself idle.
/// Its own silo, whose memory source's offset committer is held by the test.
/// </summary>
public sealed class BatchPathTests : IAsyncLifetime
{
    private IHost? _host;
    private SluiceClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = SluiceHost.CreateBuilder(OwnSiloArgs.With(
            $"--Sluice:CheckpointRoot={Path.Combine(Path.GetTempPath(), "sluice-it", Guid.NewGuid().ToString("N"))}",
            "--Sluice:PollingDelay=00:00:00.020"));
        builder.Services.AddSourceConnector<HeldCommitsConnector>();
        _host = builder.Build();
        await _host.StartAsync();
        _client = new SluiceClient(_host.Services.GetRequiredService<IClusterClient>());
    }

    public async Task DisposeAsync()
    {
        // A failed test leaves commits held; stopping its query waits for them.
        HeldCommitsConnector.ReleaseAll();
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    [Fact]
    public async Task AHeldConsumerGroupCommit_HoldsNotItsBatch_AndLandsInOrderBeforeTheQueryIsIdle()
    {
        var source = "held-" + Guid.NewGuid().ToString("N")[..8];
        var commits = HeldCommitsConnector.Open(source);
        var query = await _client.ReadStream().Memory(source).Format(HeldCommitsConnector.KindName).Schema(("id", "int")).Load()
            .WriteStream().Format("memory").OutputMode("append").StartAsync(source);

        await _client.AddDataAsync(source, new { id = 1 });
        // Batch 0 commits (and reports progress) while its group commit is held.
        await WaitForBatchAsync(query, 0);
        await _client.AddDataAsync(source, new { id = 2 });
        var idle = query.ProcessAllAvailableAsync();
        var first = await Task.WhenAny(idle, Task.Delay(TimeSpan.FromMilliseconds(300)));

        Assert.NotSame(idle, first);
        Assert.Empty(commits.Done);
        commits.Release();
        await idle.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([1L, 2L], commits.Done.Select(c => c.Values.Sum()));
        await query.StopAsync();
    }

    private static async Task WaitForBatchAsync(StreamingQuery query, long batchId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        IReadOnlyList<QueryProgress> progress = [];
        while (DateTime.UtcNow < deadline)
        {
            progress = await query.RecentProgressAsync();
            if (progress.Any(p => p.BatchId == batchId))
            {
                return;
            }
            await Task.Delay(20);
        }
        Assert.Fail($"batch {batchId} did not commit in 30 s (committed: {string.Join(", ", progress.Select(p => p.BatchId))})");
    }

    /// <summary>The memory source, with an offset committer that holds every commit until the test releases them.</summary>
    internal sealed class HeldCommitsConnector : ISourceConnector
    {
        public const string KindName = "held-commits-memory";

        private static readonly Dictionary<string, HeldCommits> Streams = [];
        private readonly MemorySourceConnector _memory = new();

        public string Kind => KindName;

        public static HeldCommits Open(string stream)
        {
            lock (Streams)
            {
                return Streams[stream] = new HeldCommits();
            }
        }

        public static void ReleaseAll()
        {
            lock (Streams)
            {
                foreach (var held in Streams.Values)
                {
                    held.Release();
                }
            }
        }

        public void Validate(SourceSpec spec, string path) => _memory.Validate(spec, path);

        public StreamSchema Schema(SourceSpec spec) => _memory.Schema(spec);

        public IStreamSource CreateSource(SourceContext context) => _memory.CreateSource(context);

        public IPartitionReader CreateReader(ReaderContext context) => _memory.CreateReader(context);

        public IOffsetCommitter CreateOffsetCommitter(SourceContext context)
        {
            lock (Streams)
            {
                return Streams[context.StreamName];
            }
        }
    }

    internal sealed class HeldCommits : IOffsetCommitter
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<IReadOnlyDictionary<int, long>> _done = [];

        public IReadOnlyList<IReadOnlyDictionary<int, long>> Done
        {
            get
            {
                lock (_done)
                {
                    return [.. _done];
                }
            }
        }

        public void Release() => _release.TrySetResult();

        public async Task CommitAsync(IReadOnlyDictionary<int, long> endOffsets, CancellationToken cancellationToken)
        {
            await _release.Task;
            lock (_done)
            {
                _done.Add(endOffsets);
            }
        }

        public void Dispose()
        {
        }
    }
}
