using Sluice.Connectors.Files;
using Sluice.Spec;

namespace Sluice.Tests.Sinks.Files;

public sealed class FileSinkIdTests
{
    [Fact]
    public void From_SinkSpec_KeysByKindAndPathWithoutATrailingSeparator()
    {
        var id = FileSinkId.From(new SinkSpec { Kind = "parquet", Path = "warehouse/revenue/" });

        Assert.Equal("parquet|warehouse/revenue", id.ToString());
        Assert.Equal(id, FileSinkId.Parse(id.ToString()));
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("csv|/tmp/x")]
    [InlineData("json|")]
    public void Parse_NotAFileSinkKey_Throws(string key) =>
        Assert.Throws<FormatException>(() => FileSinkId.Parse(key));

    [Fact]
    public void From_SpecWithoutPath_SaysAPathIsNeeded()
    {
        var error = Assert.Throws<ArgumentException>(() => FileSinkId.From(new SinkSpec { Kind = "json" }));

        Assert.StartsWith("A json sink needs a 'path'", error.Message, StringComparison.Ordinal);
    }
}
