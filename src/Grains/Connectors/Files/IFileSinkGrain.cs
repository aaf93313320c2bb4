using Sluice.Contracts;

namespace Sluice.Connectors.Files;

/// <summary>
/// The parquet or json sink writing one output folder (key: <see cref="FileSinkId"/>, <c>&lt;kind&gt;|&lt;path&gt;</c>):
/// each writer's rows of batch N become one data file, and the batch commits with its manifest entry.
/// </summary>
[Alias("sluice.sink.file")]
internal interface IFileSinkGrain : ISinkGrain
{
}
