using System.Collections.Concurrent;
using System.Globalization;
using Sluice.Checkpointing;

namespace Sluice.State;

/// <summary>
/// Opens <see cref="RocksDbStateStore"/>s: a local RocksDB working copy per store under
/// <c>&lt;LocalRoot&gt;/&lt;queryId&gt;/&lt;operator&gt;/&lt;keyGroup&gt;</c>, rebuilt from the checkpoint on every open, with
/// one block cache and write-buffer budget shared by all of them. Safe to call from several grains at once.
/// </summary>
internal sealed class RocksDbStateStoreProvider : IStateStoreProvider, IDisposable
{
    private readonly StateStoreOptions _options;
    private readonly ConcurrentDictionary<string, bool> _open = new(StringComparer.Ordinal);

    public RocksDbStateStoreProvider(StateStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Memory = new RocksDbSharedMemory(options.BlockCacheMb, options.WriteBufferMb, options.WriteBehindMb);
    }

    /// <summary>The memory all stores of this provider share.</summary>
    public RocksDbSharedMemory Memory { get; }

    /// <summary>Stores open now.</summary>
    public int OpenCount => _open.Count;

    public async Task<IStateStore> OpenAsync(StateStoreId id, ICheckpointStore checkpoint, string queryId, long version,
        int minBatchesToRetain = CheckpointRetention.DefaultMinBatchesToRetain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(queryId);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, -1);
        var folder = Path.Combine(Path.GetFullPath(_options.EffectiveLocalRoot), SafeName(queryId),
            id.Operator.ToString(CultureInfo.InvariantCulture), id.KeyGroup.ToString(CultureInfo.InvariantCulture));
        if (!_open.TryAdd(folder, true))
        {
            throw new InvalidOperationException(
                $"State store {id.Operator}/{id.KeyGroup} of query {queryId} is already open (working copy '{folder}'); dispose it before opening it again.");
        }
        try
        {
            var files = new StateCheckpointFiles(checkpoint, id, minBatchesToRetain);
            return await RocksDbStateStore.OpenAsync(files, _options, Memory, folder, () => _open.TryRemove(folder, out _), version, cancellationToken);
        }
        catch
        {
            _open.TryRemove(folder, out _);
            throw;
        }
    }

    public void Dispose() => Memory.Dispose();

    private static string SafeName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = string.Concat(name.Select(c => invalid.Contains(c) ? '_' : c));
        return safe is "." or ".." ? "_" : safe;
    }
}
