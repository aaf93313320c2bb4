using Sluice.Columnar;
using Sluice.Connectors.Nexmark;
using Sluice.Connectors.Rate;
using Sluice.Spec;

namespace Sluice.Tests.Columnar;

/// <summary>The rate and nexmark sources' columnar reads against their row reads.</summary>
public sealed class GeneratedSourceColumnsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public async Task Rate_ReadColumns_GivesTheRowsOfReadAsync(long rowsPerSecond)
    {
        using var reader = new RatePartitionReader(1_700_000_000_123, rowsPerSecond);
        foreach (var read in new bool[]?[] { null, [true, false], [false, true] })
        {
            var batch = new ColumnBatch(RateSourceConnector.RateSchema, read);
            await ColumnarEquivalence.AssertSameReadAsync(reader, reader, batch, 0, 1500);
            await ColumnarEquivalence.AssertSameReadAsync(reader, reader, batch, 1500, 1501);
            await ColumnarEquivalence.AssertSameReadAsync(reader, reader, batch, 99_999_000, 100_000_000);
        }
    }

    [Theory]
    [InlineData("event")]
    [InlineData("person")]
    [InlineData("auction")]
    [InlineData("bid")]
    public async Task Nexmark_ReadColumns_GivesTheRowsOfReadAsync(string stream)
    {
        var spec = new SourceSpec { Kind = "nexmark", Options = new Dictionary<string, string> { ["stream"] = stream, ["partitions"] = "2" } };
        var schema = NexmarkSchemas.For(spec.Options);
        var random = new Random(stream.Length);
        using var reader = new NexmarkPartitionReader(spec, 1);
        for (var round = 0; round < 3; round++)
        {
            bool[]? read = round == 0 ? null : [.. schema.Columns.Select(_ => random.Next(2) == 0)];
            var batch = new ColumnBatch(schema, read);
            await ColumnarEquivalence.AssertSameReadAsync(reader, reader, batch, 0, 700);
            await ColumnarEquivalence.AssertSameReadAsync(reader, reader, batch, 700, 1234);
        }
    }

    /// <summary>
    /// A bid read without its channel and url makes neither, and one read without extra too makes none of them (they
    /// are drawn last): every read column is still the row read's, for each way of reading those three.
    /// </summary>
    [Fact]
    public async Task Nexmark_Bids_ReadWithoutExtraChannelOrUrl_GiveTheRowsOfReadAsync()
    {
        var spec = new SourceSpec { Kind = "nexmark", Options = new Dictionary<string, string> { ["stream"] = "bid", ["partitions"] = "2" } };
        var schema = NexmarkSchemas.For(spec.Options);
        var (extra, channel, url) = (schema.IndexOf("extra"), schema.IndexOf("channel"), schema.IndexOf("url"));
        using var reader = new NexmarkPartitionReader(spec, 1);
        for (var mask = 0; mask < 8; mask++)
        {
            bool[] read = [.. schema.Columns.Select((_, c) => c == extra ? (mask & 1) != 0 : c == channel ? (mask & 2) != 0 : c != url || (mask & 4) != 0)];
            await ColumnarEquivalence.AssertSameReadAsync(reader, reader, new ColumnBatch(schema, read), 0, 900);
        }
    }

    [Fact]
    public void Nexmark_BidMadeWithoutSomeFields_HasTheFullBidsValuesInTheOthers()
    {
        var config = new NexmarkConfig { Events = 5_000, Partitions = 2, Seed = 11 };
        for (var n = 0L; n < 2_000; n++)
        {
            var full = NexmarkGenerator.BidAt(config, n);
            Assert.Equal(full with { Channel = "", Url = "" }, NexmarkGenerator.BidAt(config, n, extra: true, channel: false));
            Assert.Equal(full with { Extra = "" }, NexmarkGenerator.BidAt(config, n, extra: false, channel: true));
            Assert.Equal(full with { Extra = "", Channel = "", Url = "" }, NexmarkGenerator.BidAt(config, n, extra: false, channel: false));
        }
    }
}
