using Orleans.Serialization;
using Orleans.Storage;

namespace Sluice.IntegrationTests.Faults;

/// <summary>
/// Grain storage that checks ETags as Redis's provider does (a write must bring the stored ETag, and gets a new one), and
/// whose next writes of the query manager can be made to fail: either the write lands and its reply is lost, which is what
/// the Redis client's "Reading is not allowed after reader was completed" does mid-command, or the write never lands.
/// </summary>
internal sealed class LostReplyGrainStorage(Serializer serializer) : IGrainStorage
{
    private const string QueryManagerType = "sluice.query-manager";
    private readonly Lock _lock = new();
    private readonly Dictionary<GrainId, (string ETag, byte[] Data)> _records = [];
    private int _failures;
    private bool _landed;

    /// <summary>The query manager's next <paramref name="count"/> writes throw; with <paramref name="landed"/>, after storing.</summary>
    public void FailNextWrites(int count, bool landed)
    {
        lock (_lock)
        {
            (_failures, _landed) = (count, landed);
        }
    }

    /// <summary>What the store holds for <paramref name="grainId"/> (a copy), or default if nothing.</summary>
    public T? Stored<T>(GrainId grainId)
    {
        lock (_lock)
        {
            return _records.TryGetValue(grainId, out var record) ? serializer.Deserialize<T>(record.Data) : default;
        }
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (_lock)
        {
            if (_records.TryGetValue(grainId, out var record))
            {
                (grainState.State, grainState.ETag, grainState.RecordExists) = (serializer.Deserialize<T>(record.Data), record.ETag, true);
            }
            else
            {
                (grainState.ETag, grainState.RecordExists) = (null, false);
            }
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (_lock)
        {
            var stored = _records.TryGetValue(grainId, out var record) ? record.ETag : null;
            if (stored != grainState.ETag)
            {
                throw new InconsistentStateException($"Version conflict: grain {grainId} wrote with ETag {grainState.ETag}, the store has {stored}.");
            }
            var failing = _failures > 0 && grainId.Type.ToString() == QueryManagerType;
            if (failing)
            {
                _failures--;
            }
            var etag = Guid.NewGuid().ToString("N");
            if (!failing || _landed)
            {
                _records[grainId] = (etag, serializer.SerializeToArray(grainState.State));
            }
            if (failing)
            {
                throw new InvalidOperationException("Reading is not allowed after reader was completed.");
            }
            (grainState.ETag, grainState.RecordExists) = (etag, true);
        }
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (_lock)
        {
            _records.Remove(grainId);
            (grainState.ETag, grainState.RecordExists) = (null, false);
        }
        return Task.CompletedTask;
    }
}
