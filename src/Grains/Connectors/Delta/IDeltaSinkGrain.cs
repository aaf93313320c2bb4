using Sluice.Contracts;

namespace Sluice.Connectors.Delta;

/// <summary>The Delta sink writing one table (key: <c>delta|&lt;table path&gt;</c>): one Delta commit per batch.</summary>
[Alias("sluice.sink.delta")]
internal interface IDeltaSinkGrain : ISinkGrain
{
}
