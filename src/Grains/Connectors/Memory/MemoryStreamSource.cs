using Sluice.Contracts;
using Sluice.Sources;

namespace Sluice.Connectors.Memory;

/// <summary>Planning side of a memory source: one partition, offsets count entries (rows, and each addData of no rows).</summary>
internal sealed class MemoryStreamSource(IGrainFactory grains, string streamName) : IStreamSource
{
    private readonly IMemorySourceGrain _grain = grains.GetGrain<IMemorySourceGrain>(streamName);

    public string Description => $"MemoryStream[{streamName}]";

    public string OffsetKey => streamName;

    public Task<IReadOnlyDictionary<int, long>> InitialOffsetsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<int, long>>(new Dictionary<int, long> { [0] = 0 });

    public async Task<IReadOnlyDictionary<int, long>> LatestOffsetsAsync(CancellationToken cancellationToken) =>
        new Dictionary<int, long> { [0] = await _grain.GetLatestOffsetAsync() };

    public void Dispose()
    {
    }
}
