namespace Sluice.Hosting;

/// <summary>Engine settings of a silo (configuration section <c>Sluice</c>).</summary>
public sealed class SluiceOptions
{
    /// <summary>Folder under which relative <c>checkpointLocation</c>s resolve; a query without one uses <c>&lt;root&gt;/&lt;name&gt;</c>.</summary>
    public string CheckpointRoot { get; set; } = "checkpoints";

    /// <summary>
    /// Folder under which relative file sink and table paths resolve, and which they must stay inside (with
    /// <see cref="AllowedRoots"/>). Empty means <see cref="CheckpointRoot"/>, where relative sink paths resolved before
    /// this setting existed; set a folder of its own to keep query output apart from checkpoints.
    /// </summary>
    public string? DataRoot { get; set; }

    /// <summary>
    /// More folders that checkpoint locations, file sink paths and table paths may be inside (section
    /// <c>Sluice:AllowedRoots</c>, a list). A spec's path outside every root, or through a symbolic link that leaves them, is refused.
    /// </summary>
    public List<string> AllowedRoots { get; set; } = [];

    /// <summary>The Kafka settings and brokers a spec may use (section <c>Sluice:Kafka</c>).</summary>
    public Security.KafkaPolicyOptions Kafka { get; set; } = new();

    /// <summary>Spec size and active-query limits (section <c>Sluice:Limits</c>).</summary>
    public Security.SpecLimitsOptions Limits { get; set; } = new();

    /// <summary>Kafka bootstrap servers for sources that name none. Empty means the embedded broker.</summary>
    public string? KafkaBootstrapServers { get; set; }

    /// <summary>
    /// librdkafka settings for every partition reader (section <c>Sluice:KafkaReaderSettings</c>), over Sluice's
    /// defaults and under a source's own <c>kafka.*</c> options. The embedded broker sets <c>fetch.wait.max.ms</c>
    /// to 5: librdkafka's mock broker answers a fetch that found no data only when that wait ends, never early when
    /// data arrives as a real broker does, so the default 100 ms would be added to every batch's read.
    /// </summary>
    public Dictionary<string, string> KafkaReaderSettings { get; set; } = [];

    /// <summary>How long the default trigger waits before looking for new data again when there was none.</summary>
    public TimeSpan PollingDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Progress reports kept per query (Spark's <c>spark.sql.streaming.numRecentProgressUpdates</c>).</summary>
    public int RecentProgressCount { get; set; } = 100;

    /// <summary>The state store of stateful operators (section <c>Sluice:State</c>): <c>rocksdb</c> (default) or <c>memory</c>.</summary>
    public State.StateStoreOptions State { get; set; } = new();

    /// <summary>Azure Blob Storage for <c>azblob://container/prefix</c> checkpoint locations (section <c>Sluice:Blob</c>).</summary>
    public Checkpointing.Blob.BlobCheckpointOptions Blob { get; set; } = new();

    /// <summary>S3 for <c>s3://bucket/prefix</c> checkpoints, files sources and file sinks (section <c>Sluice:S3</c>).</summary>
    public Storage.S3Options S3 { get; set; } = new();

    /// <summary>What <c>socket</c> sources may connect to (section <c>Sluice:Socket</c>).</summary>
    public Connectors.Socket.SocketOptions Socket { get; set; } = new();

    /// <summary>
    /// How often the query manager checks that every query that should run has a coordinator with a live run, and
    /// restarts the ones that lost theirs (cluster mode). A silo declared dead triggers the same check at once
    /// (<see cref="SiloDeathWatch"/>), so this is the bound only for a run lost without a silo dying.
    /// </summary>
    public TimeSpan QueryWatchdogPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many aggregation groups the silo's key groups together keep decoded in memory between batches (hot state),
    /// so a batch merges into them without reading and decoding the store. Beyond it groups are read from the state
    /// store as before. A group costs 200 to 400 bytes (its key's bytes and values and its aggregation buffer; about 360
    /// for a window and a bigint key with one count): the default, 500,000, stays under 200 MB, so a 10-million-key
    /// state fits in 2 GiB beside RocksDB's own memory. Stream-stream joins count their stored rows against the same
    /// bound (a key group holds all its rows or, once past it, none and reads the store).
    /// 0 turns hot state off.
    /// </summary>
    public long StateCacheMaxEntries { get; set; } = 500_000;

    /// <summary>
    /// Rows the silo's stateful operators remove (an append-mode close: a whole window's groups) after which a full,
    /// compacting GC runs and gives free memory back (<see cref="CollectionAfterRemoves"/>): server GC otherwise keeps a
    /// closed window's garbage, and the memory committed for it, for a whole window. Default 0: collections are left to
    /// the runtime. Measured at 2M keys (1,000,000: the working set between closes 1.0-1.5 GB instead of 1.5-2.3 GB), but
    /// at 10M keys its blocking collections of a 4 GB heap stalled the silo past Orleans' 30 s response timeout
    /// (BENCHMARKS.md, ninth session), so it is not on by default.
    /// </summary>
    public long CollectAfterRemovedRows { get; set; }

    /// <summary>
    /// A hard limit on the silo process's managed heap, in MiB (the runtime's <c>GCHeapHardLimit</c>, set when the silo
    /// starts): the GC then collects as its committed memory nears the limit instead of keeping, and committing, a
    /// window's garbage until its own budgets call for a full collection. Server GC otherwise let the 10M-key windowed
    /// append's committed memory climb to 3.1 GB over a live heap far smaller (BENCHMARKS.md, thirteenth session).
    /// It holds for the whole process (every silo in it), and a heap whose live data passes it fails with an
    /// out-of-memory error, so leave room for a batch and a window's close above the state held in memory (hot state,
    /// <see cref="StateCacheMaxEntries"/>); RocksDB's memory (<see cref="State.StateStoreOptions.BlockCacheMb"/>,
    /// <see cref="State.StateStoreOptions.WriteBufferMb"/>) is native and not counted. 0 (default) leaves the limit to the
    /// runtime (the machine's or the container's memory).
    /// </summary>
    public long ManagedHeapLimitMb { get; set; }

    /// <summary>A folder of assemblies with stateful processors to load at start; empty for none.</summary>
    public string? PluginFolder { get; set; }

    /// <summary>The folder file sink and table paths resolve under: <see cref="DataRoot"/>, or <see cref="CheckpointRoot"/> when unset.</summary>
    public string DataFolder => string.IsNullOrWhiteSpace(DataRoot) ? CheckpointRoot : DataRoot;

    /// <summary>Fails with a message naming the setting to fix.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(CheckpointRoot))
        {
            throw new InvalidOperationException("Sluice:CheckpointRoot must name a folder (default 'checkpoints').");
        }
        if (PollingDelay <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Sluice:PollingDelay must be positive, e.g. '00:00:00.050'.");
        }
        State.Validate();
        Blob.Validate();
        Limits.Validate();
        if (QueryWatchdogPeriod < TimeSpan.FromMilliseconds(100))
        {
            throw new InvalidOperationException($"Sluice:QueryWatchdogPeriod is {QueryWatchdogPeriod}; give at least 00:00:00.100 (default 00:00:02).");
        }
        if (StateCacheMaxEntries < 0)
        {
            throw new InvalidOperationException("Sluice:StateCacheMaxEntries must be 0 (no hot state) or more (default 500000).");
        }
        if (CollectAfterRemovedRows < 0)
        {
            throw new InvalidOperationException("Sluice:CollectAfterRemovedRows must be 0 (collections left to the runtime, the default) or more (e.g. 1000000).");
        }
        if (ManagedHeapLimitMb < 0)
        {
            throw new InvalidOperationException("Sluice:ManagedHeapLimitMb must be 0 (the runtime's limit, the default) or a size in MiB (e.g. 1536).");
        }
        if (RecentProgressCount < 1)
        {
            throw new InvalidOperationException("Sluice:RecentProgressCount must be at least 1.");
        }
    }
}
