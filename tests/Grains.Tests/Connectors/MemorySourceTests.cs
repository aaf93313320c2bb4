using Sluice.Connectors.Memory;

namespace Sluice.Tests.Connectors;

/// <summary>The memory source's offsets: as Spark's MemoryStream, every addData moves them, one of no rows included.</summary>
public class MemorySourceTests
{
    [Fact]
    public async Task AnAddDataOfNoRows_MovesTheOffsetByOne_AndReadsAsAnEmptyEntry()
    {
        var source = new MemorySourceGrain();

        Assert.Equal(2, await source.AddDataAsync(["""{"a": 1}""", """{"a": 2}"""]));
        Assert.Equal(3, await source.AddDataAsync([]));
        Assert.Equal(4, await source.AddDataAsync(["""{"a": 3}"""]));

        Assert.Equal(4, await source.GetLatestOffsetAsync());
        Assert.Equal(["""{"a": 2}""", null, """{"a": 3}"""], await source.ReadAsync(1, 4));
        Assert.Equal([null], await source.ReadAsync(2, 3));
    }
}
