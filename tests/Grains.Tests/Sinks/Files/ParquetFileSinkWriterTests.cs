using Sluice.Connectors.Files;

namespace Sluice.Tests.Sinks.Files;

public sealed class ParquetFileSinkWriterTests : FileSinkWriterContractTests
{
    private protected override FileSinkFormat Format => FileSinkFormat.Parquet;
}
