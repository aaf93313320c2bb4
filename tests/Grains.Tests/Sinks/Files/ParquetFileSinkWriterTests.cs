using Sluice.Sinks.Files;

namespace Sluice.Tests.Sinks.Files;

public sealed class ParquetFileSinkWriterTests : FileSinkWriterContractTests
{
    private protected override FileSinkFormat Format => FileSinkFormat.Parquet;
}
