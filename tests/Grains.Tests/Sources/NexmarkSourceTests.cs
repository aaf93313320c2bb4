using Sluice.Connectors.Nexmark;
using Sluice.Spec;

namespace Sluice.Tests.Sources;

public class NexmarkSourceTests
{
    private static readonly NexmarkConfig Config = new() { Events = 5_000, Partitions = 3, Seed = 7, EventsPerSecond = 1_000 };

    [Fact]
    public void SameSeed_GivesTheSameEvents_AnotherSeedOtherFields()
    {
        var again = Config with { };
        var other = Config with { Seed = 8 };
        for (var n = 0L; n < 500; n++)
        {
            Assert.Equal(Rows(Config, n), Rows(again, n));
        }
        Assert.NotEqual(Enumerable.Range(0, 500).Select(n => NexmarkGenerator.At(Config, n).Bid?.Price),
            Enumerable.Range(0, 500).Select(n => NexmarkGenerator.At(other, n).Bid?.Price));
    }

    [Fact]
    public void Events_ComeInProportions_1_3_46_WithConsecutiveIdsFrom1000()
    {
        var events = Enumerable.Range(0, 50_000).Select(n => NexmarkGenerator.At(Config, n)).ToList();
        Assert.Equal(1_000, events.Count(e => e.Person is not null));
        Assert.Equal(3_000, events.Count(e => e.Auction is not null));
        Assert.Equal(46_000, events.Count(e => e.Bid is not null));
        Assert.Equal(Enumerable.Range(1000, 1_000).Select(i => (long)i), events.Where(e => e.Person is not null).Select(e => e.Person!.Id));
        Assert.Equal(Enumerable.Range(1000, 3_000).Select(i => (long)i), events.Where(e => e.Auction is not null).Select(e => e.Auction!.Id));
        Assert.All(events.Where(e => e.Auction is not null).Select(e => e.Auction!), a =>
        {
            Assert.InRange(a.Category, 10, 14);
            Assert.True(a.ExpiresMs > a.DateTimeMs);
            Assert.True(a.Reserve > a.InitialBid);
        });
        Assert.All(events.Where(e => e.Bid is not null).Select(e => e.Bid!.Value), b => Assert.InRange(b.Price, 100, 100_000_000));
    }

    [Fact]
    public void Bids_FavourHotAuctionsAndBidders_AtTheSuitesRatios()
    {
        var bids = Enumerable.Range(0, 50_000).Select(n => (N: (long)n, Bid: NexmarkGenerator.At(Config, n).Bid)).Where(x => x.Bid is not null).ToList();
        // Hot auction ratio 2: half the bids go to the first auction of the latest batch of 100; hot bidders ratio 4: three in four bids.
        var hotAuction = bids.Count(x => x.Bid!.Value.Auction == (NexmarkGenerator.LastBase0AuctionId(x.N) / 100 * 100) + 1000) / (double)bids.Count;
        var hotBidder = bids.Count(x => x.Bid!.Value.Bidder == (NexmarkGenerator.LastBase0PersonId(x.N) / 100 * 100) + 1001) / (double)bids.Count;
        Assert.InRange(hotAuction, 0.48, 0.56);
        Assert.InRange(hotBidder, 0.73, 0.79);
        Assert.All(bids, x => Assert.True(x.Bid!.Value.Auction <= NexmarkGenerator.LastBase0AuctionId(x.N) + 1000 + 10));
    }

    [Fact]
    public void EventTime_AdvancesWithTheEventNumberAtTheConfiguredRate()
    {
        Assert.Equal(NexmarkConfig.BaseTimeMs, NexmarkGenerator.At(Config, 0).DateTimeMs);
        Assert.Equal(NexmarkConfig.BaseTimeMs + 2_500, NexmarkGenerator.At(Config, 2_500).DateTimeMs);
    }

    [Fact]
    public async Task Partitions_TogetherHoldEveryEventOnce_EachMadeWithoutTheOthers()
    {
        var spec = Spec("event");
        using var source = new NexmarkStreamSource(spec, "events");
        var latest = await source.LatestOffsetsAsync(CancellationToken.None);
        Assert.Equal(Config.Events, latest.Values.Sum());
        var all = new List<string>();
        foreach (var (partition, end) in latest)
        {
            using var reader = new NexmarkPartitionReader(spec, partition);
            var rows = new List<object?[]>();
            // Two reads of adjacent ranges give what one read gives: the partition has no state between reads.
            await reader.ReadAsync(end / 2, end, rows, CancellationToken.None);
            await reader.ReadAsync(0, end / 2, rows, CancellationToken.None);
            all.AddRange(rows.Select(Text));
        }
        var expected = Enumerable.Range(0, (int)Config.Events).Select(n => Text(NexmarkRows.Event(NexmarkGenerator.At(Config, n))));
        Assert.Equal(expected.Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("person", NexmarkKind.Person)]
    [InlineData("auction", NexmarkKind.Auction)]
    [InlineData("bid", NexmarkKind.Bid)]
    public async Task NamedStream_ReadsOnlyItsKind_AtTheSameOffsets(string stream, NexmarkKind kind)
    {
        using var reader = new NexmarkPartitionReader(Spec(stream), 1);
        var rows = new List<object?[]>();
        var read = await reader.ReadAsync(0, 400, rows, CancellationToken.None);
        Assert.Equal(400, read.RecordsRead);
        var expected = Enumerable.Range(0, 400).Select(k => Config.EventAt(1, k)).Where(n => NexmarkGenerator.KindOf(n) == kind)
            .Select(n => Text((object?[])Rows(Config, n)[1 + (int)kind]!)).ToList();
        Assert.Equal(expected, rows.Select(Text));
        Assert.Equal(NexmarkSchemas.For(Spec(stream).Options).Count, rows[0].Length);
    }

    [Fact]
    public void Options_UnknownOrBad_FailWithTheirName()
    {
        Assert.Contains("'evnets'", Assert.Throws<ArgumentException>(() => NexmarkConfig.FromOptions(new Dictionary<string, string> { ["evnets"] = "5" })).Message);
        Assert.Contains("'partitions'", Assert.Throws<ArgumentException>(() => NexmarkConfig.FromOptions(new Dictionary<string, string> { ["partitions"] = "0" })).Message);
        Assert.Contains("'stream'", Assert.Throws<ArgumentException>(() => NexmarkSchemas.StreamOf(new Dictionary<string, string> { ["stream"] = "bids" })).Message);
    }

    [Fact]
    public void Start_WithABadSourceOption_FailsNamingIt()
    {
        var spec = new QuerySpec
        {
            Name = "q",
            Source = Spec("bid") with { Options = new Dictionary<string, string> { ["stream"] = "bid", ["evnets"] = "5" } },
            Sink = new SinkSpec { Kind = "memory" },
        };
        var error = Assert.Throws<Sluice.Contracts.QueryStartException>(() => Sluice.Planning.QueryPlanner.Plan(spec, Sluice.Connectors.BuiltInConnectors.CreateRegistry()));
        Assert.Contains("unknown nexmark source option 'evnets'", error.Message);
        Assert.Equal(NexmarkSchemas.Bid, Sluice.Planning.QueryPlanner.Plan(spec with { Source = Spec("bid") }, Sluice.Connectors.BuiltInConnectors.CreateRegistry()).Streams[0].SourceSchema);
    }

    private static SourceSpec Spec(string stream) => new()
    {
        Kind = "nexmark",
        Options = new Dictionary<string, string>
        {
            ["events"] = "5000", ["partitions"] = "3", ["seed"] = "7", ["eventsPerSecond"] = "1000", ["stream"] = stream,
        },
    };

    /// <summary>The event's union row, then its person, auction and bid rows (null where it is not that kind).</summary>
    private static object?[] Rows(NexmarkConfig config, long n)
    {
        var e = NexmarkGenerator.At(config, n);
        return [NexmarkRows.Event(e), e.Person is { } p ? NexmarkRows.Person(p) : null, e.Auction is { } a ? NexmarkRows.Auction(a) : null,
            e.Bid is { } b ? NexmarkRows.Bid(b) : null];
    }

    private static string Text(object?[] row) => string.Join('|', row.Select(v => v switch
    {
        object?[] inner => "[" + Text(inner) + "]",
        DateTime t => t.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v?.ToString() ?? "null",
    }));
}
