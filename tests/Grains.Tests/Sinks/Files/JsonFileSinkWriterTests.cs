using Sluice.Connectors.Files;

namespace Sluice.Tests.Sinks.Files;

public sealed class JsonFileSinkWriterTests : FileSinkWriterContractTests
{
    private protected override FileSinkFormat Format => FileSinkFormat.Json;
}
