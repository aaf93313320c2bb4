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

    /// <summary>The nexmark project's BidGenerator: half the bids from four hot channels, each with one url; the rest from channel-0..9999.</summary>
    [Fact]
    public void Bids_HaveTheSuitesChannelsAndUrls()
    {
        var bids = Enumerable.Range(0, 50_000).Select(n => NexmarkGenerator.At(Config, n).Bid).OfType<NexmarkBid>().ToList();
        string[] hot = ["Google", "Facebook", "Baidu", "Apple"];
        Assert.InRange(bids.Count(b => hot.Contains(b.Channel)) / (double)bids.Count, 0.48, 0.52);
        Assert.All(bids.Where(b => hot.Contains(b.Channel)).GroupBy(b => b.Channel), g => Assert.Single(g.Select(b => b.Url).Distinct()));
        Assert.Equal(4, bids.Where(b => hot.Contains(b.Channel)).Select(b => b.Url).Distinct().Count());
        var url = new System.Text.RegularExpressions.Regex(@"^https://www\.nexmark\.com/[a-z_]{1,4}/[a-z_]{1,4}/[a-z_]{1,4}/item\.htm\?query=1(&channel_id=-?\d+)?$");
        Assert.All(bids, b => Assert.Matches(url, b.Url));
        Assert.All(bids.Where(b => hot.Contains(b.Channel)), b => Assert.DoesNotContain("channel_id", b.Url, StringComparison.Ordinal));
        var others = bids.Where(b => !hot.Contains(b.Channel)).ToList();
        Assert.All(others, b => Assert.InRange(int.Parse(b.Channel["channel-".Length..], System.Globalization.CultureInfo.InvariantCulture), 0, 9_999));
        // A channel has one url; 9 in 10 carry channel_id, the channel's number with its 32 bits reversed, made positive.
        Assert.All(others.GroupBy(b => b.Channel), g => Assert.Single(g.Select(b => b.Url).Distinct()));
        var withId = others.DistinctBy(b => b.Channel).Count(b => b.Url.Contains("&channel_id=", StringComparison.Ordinal)) / (double)others.DistinctBy(b => b.Channel).Count();
        Assert.InRange(withId, 0.85, 0.95);
        Assert.All(others.Where(b => b.Url.Contains("&channel_id=", StringComparison.Ordinal)), b => Assert.EndsWith(
            "&channel_id=" + NexmarkChannels.ChannelId(int.Parse(b.Channel["channel-".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            b.Url, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, int.MinValue)]
    [InlineData(2, 1 << 30)]
    [InlineData(3, -((1 << 30) | int.MinValue))]
    [InlineData(9_999, 253_493_248)]
    public void ChannelId_IsJavasAbsOfTheReversedBits(int channel, int expected) => Assert.Equal(expected, NexmarkChannels.ChannelId(channel));

    [Fact]
    public void ChannelsAndUrls_DependOnlyOnTheSeed()
    {
        string Urls(NexmarkConfig config) => string.Join('\n', Enumerable.Range(0, 5_000).Select(n => NexmarkGenerator.At(config, n).Bid).OfType<NexmarkBid>().Select(b => b.Channel + " " + b.Url));
        var first = Urls(Config);
        var other = Urls(Config with { Seed = 8 });
        Assert.Equal(first, Urls(Config));
        Assert.NotEqual(first, other);
        // Back to the first seed after another: the same urls, not the other seed's.
        Assert.Equal(first, Urls(Config with { }));
    }

    [Fact]
    public void BidColumns_ChannelAndUrlComeLast_InTheBidAndEventStreams()
    {
        Assert.Equal(["auction", "bidder", "price", "dateTime", "extra", "channel", "url"], NexmarkSchemas.Bid.Columns.Select(c => c.Name));
        Assert.Equal(["bid_auction", "bid_bidder", "bid_price", "bid_extra", "bid_channel", "bid_url"], NexmarkSchemas.Event.Columns.Skip(18).Select(c => c.Name));
        var bid = NexmarkGenerator.At(Config, 10);
        var row = NexmarkRows.Event(bid);
        Assert.Equal(bid.Bid!.Value.Channel, row[22]);
        Assert.Equal(bid.Bid!.Value.Url, row[23]);
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
