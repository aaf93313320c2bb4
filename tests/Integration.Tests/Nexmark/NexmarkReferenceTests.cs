using Sluice.Bench.Nexmark;
using Sluice.Connectors.Nexmark;

namespace Sluice.IntegrationTests.Nexmark;

/// <summary>The harness's plain-C# queries on small hand-made event lists (times in ms from 0).</summary>
public class NexmarkReferenceTests
{
    private long _n;

    [Fact]
    public void Q3_JoinsSellersInOrIdCa_WithTheirCategory10Auctions()
    {
        var events = new[] { Person(1000, "OR", 0), Person(1001, "WA", 0), Auction(1, 1000, 10, 5), Auction(2, 1000, 11, 6), Auction(3, 1001, 10, 7), Auction(4, 1000, 10, 8) };
        Assert.Equal(["p1000|Bend|OR|1", "p1000|Bend|OR|4"], Sorted(NexmarkReference.Q3(events)));
    }

    [Fact]
    public void Q4_AveragesPerCategory_TheHighestBidWhileEachAuctionWasOpen()
    {
        var events = new[]
        {
            Auction(1, 1000, 10, 0, expires: 100), Auction(2, 1000, 10, 0, expires: 100), Auction(3, 1000, 11, 0, expires: 100),
            Bid(1, 5, 50, price: 50), Bid(1, 9, 60, price: 60), Bid(1, 99, 101, price: 500), Bid(2, 4, 30, price: 30), Bid(3, 8, 150, price: 150),
        };
        // Auction 1's bid at 101 ms is after it expired; auction 3 has no bid in time, so category 11 has no row.
        Assert.Equal(["10|45"], Sorted(NexmarkReference.Q4(events)));
    }

    [Fact]
    public void Q5_EmitsEveryAuctionTiedForTheMostBids_InClosedSlidingWindowsOnly()
    {
        var events = new[] { Bid(1, 1, 3_000), Bid(1, 2, 3_500), Bid(2, 3, 3_600), Bid(2, 4, 3_700), Bid(3, 5, 3_800) };
        // Windows of 10 s every 2 s containing 3-3.8 s: starts -6, -4, -2, 0, 2 s; those ending by 8 s are closed (-6 to -2).
        var rows = Sorted(NexmarkReference.Q5(events, 8_000));
        Assert.Equal(["1|2", "1|2", "1|2", "2|2", "2|2", "2|2"], rows);
        Assert.Empty(NexmarkReference.Q5(events, 3_999));
    }

    [Fact]
    public void Q7_EmitsTheWindowsTopBids_IncludingOneExactlyAtTheWindowsEnd()
    {
        var events = new[] { Bid(1, 1, 1_000, price: 50), Bid(2, 2, 2_000, price: 70), Bid(3, 3, 10_000, price: 70), Bid(4, 4, 12_000, price: 90) };
        // Window [0, 10 s) has max 70; the bid at exactly 10 s is within [end - 10 s, end], as Flink's BETWEEN includes both ends.
        Assert.Equal(["2|2|70|2000", "3|3|70|10000"], Sorted(NexmarkReference.Q7(events, 15_000)).Select(r => r[..r.LastIndexOf('|')]));
        Assert.Equal(3, NexmarkReference.Q7(events, 20_000).Count());
    }

    [Fact]
    public void Q8_FindsPeopleWhoSoldInTheWindowTheyJoined()
    {
        var events = new[] { Person(1000, "OR", 1_000), Person(1001, "OR", 2_000), Auction(1, 1000, 10, 9_999), Auction(2, 1001, 10, 10_000), Auction(3, 1000, 10, 3_000) };
        Assert.Equal(["1000|p1000|0"], Sorted(NexmarkReference.Q8(events)));
    }

    [Fact]
    public void Q11_CutsSessionsAtGapsOverTenSeconds_AndKeepsThoseTheWatermarkClosed()
    {
        // 15 s is within 10 s of the bid at 5 s (a session ends at its last bid + 10 s, and a bid at that end joins it); 26 s is not.
        var events = new[] { Bid(1, 7, 0), Bid(1, 7, 5_000), Bid(1, 7, 15_000), Bid(1, 7, 26_000), Bid(1, 8, 1_000) };
        Assert.Equal(["7|1|26000|36000", "7|3|0|25000", "8|1|1000|11000"], Sorted(NexmarkReference.Q11(events, 40_000)));
        Assert.Equal(["7|3|0|25000", "8|1|1000|11000"], Sorted(NexmarkReference.Q11(events, 30_000)));
    }

    [Fact]
    public void Q14_KeepsBidsConvertedBetween1MAnd50M_AndCountsTheCsInExtra()
    {
        var events = new[] { Bid(1, 1, 0, price: 1_101_322), Bid(2, 2, 0, price: 1_101_321), Bid(3, 3, 0, price: 55_066_080) };
        // 0.908 x 1,101,322 = 1,000,000.4 passes; 1,101,321 converts to just under 1M; 55,066,080 to just over 50M.
        var row = Assert.Single(NexmarkReference.Q14(events));
        Assert.Equal([1L, 1L, 0.908 * 1_101_322, "nightTime", 0L, "x", 0L], row);
        var c = new[] { new NexmarkEvent(0, NexmarkKind.Bid, null, null, new NexmarkBid(1, 1, 2_000_000, 9 * 3_600_000, "accbc")) };
        Assert.Equal(["1|1|1816000|dayTime|32400000|accbc|3"], Sorted(NexmarkReference.Q14(c)));
    }

    [Fact]
    public void KafkaJson_ReadsBackThroughTheKafkaSourcesParser_AsTheSameRow()
    {
        var config = new NexmarkConfig { Events = 100, EventsPerSecond = 1_000 };
        var parser = new Sluice.Sources.Parsing.JsonRowParser(NexmarkSchemas.Event, Sluice.Sources.Parsing.ParseMode.FailFast);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        foreach (var n in new long[] { 0, 1, 4 })
        {
            var e = NexmarkGenerator.At(config, n);
            var row = new object?[NexmarkSchemas.Event.Count];
            Assert.Equal(Sluice.Sources.Parsing.ParseOutcome.Ok, parser.Parse(NexmarkLoad.Encode(e, buffer), row, "event " + n));
            Assert.Equal(RowDigest.Canonical(NexmarkRows.Event(e)), RowDigest.Canonical(row));
        }
        Assert.Equal(NexmarkSchemas.Event.Columns.Select(c => c.Name), NexmarkLoad.Schema.Select(kv => kv.Key));
    }

    [Fact]
    public void Digest_IgnoresOrder_AndNamesTheRowsThatDiffer()
    {
        var a = new RowDigest();
        var b = new RowDigest();
        a.Add([1L, "x", 0.1 + 0.2]);
        a.Add([2L, "y", NexmarkRows.Time(5)]);
        b.Add([2L, "y", NexmarkRows.Time(5)]);
        b.Add([1, "x", 0.3]);
        Assert.Null(RowDigest.Compare(a, b));
        b.Add([3L, "z", null]);
        var message = RowDigest.Compare(a, b);
        Assert.Contains("3|z|null", message);
        Assert.Contains("2 rows, the reference 3", message);
    }

    [Fact]
    public void Q17_CountsAndPriceStatsPerAuctionAndDay()
    {
        const long Day = 86_400_000;
        var events = new[] { Bid(1, 1, 0, price: 9_999), Bid(1, 2, 5, price: 10_000), Bid(1, 3, 9, price: 1_000_000), Bid(1, 4, Day, price: 7), Bid(2, 5, 0, price: 3) };
        Assert.Equal(
            ["1|1970-01-01|3|1|1|1|9999|1000000|339999.666667|1019999", "1|1970-01-02|1|1|0|0|7|7|7|7", "2|1970-01-01|1|1|0|0|3|3|3|3"],
            Sorted(NexmarkReference.Q17(events)));
    }

    [Fact]
    public void Q20_JoinsEveryBid_WithItsCategory10Auction_WhicheverComesFirst()
    {
        var events = new[] { Bid(1, 5, 0, channel: "Apple", url: "u"), Auction(1, 1000, 10, 5), Auction(2, 1000, 11, 6), Bid(2, 6, 7), Bid(1, 7, 8), Bid(3, 8, 9) };
        Assert.Equal(["1|5|10|Apple|u|0|x|i|d|1|2|5|1000000|1000|10|", "1|7|10|||8|x|i|d|1|2|5|1000000|1000|10|"], Sorted(NexmarkReference.Q20(events)));
    }

    [Fact]
    public void Q21_KeepsHotChannelsAndUrlsWithAChannelId()
    {
        var events = new[]
        {
            Bid(1, 1, 0, channel: "Google", url: "https://a/item.htm?query=1"), Bid(2, 2, 0, channel: "channel-2", url: "https://a/item.htm?query=1&channel_id=1073741824"),
            Bid(3, 3, 0, channel: "channel-3", url: "https://a/item.htm?query=1"), Bid(4, 4, 0, channel: "channel-4", url: "channel_id=9&x=1"),
            Bid(5, 5, 0, channel: "channel-5", url: "https://a/?xchannel_id=5"),
        };
        Assert.Equal(["1|1|10|Google|1", "2|2|10|channel-2|1073741824", "4|4|10|channel-4|9"], Sorted(NexmarkReference.Q21(events)));
    }

    private static List<string> Sorted(IEnumerable<object?[]> rows) => rows.Select(RowDigest.Canonical).Order(StringComparer.Ordinal).ToList();

    private NexmarkEvent Person(long id, string state, long time) =>
        new(_n++, NexmarkKind.Person, new NexmarkPerson(id, "p" + id, "e", "c", "Bend", state, time, ""), null, null);

    private NexmarkEvent Auction(long id, long seller, long category, long time, long expires = 1_000_000) =>
        new(_n++, NexmarkKind.Auction, null, new NexmarkAuction(id, "i", "d", 1, 2, time, expires, seller, category, ""), null);

    private NexmarkEvent Bid(long auction, long bidder, long time, long price = 10, string channel = "", string url = "") =>
        new(_n++, NexmarkKind.Bid, null, null, new NexmarkBid(auction, bidder, price, time, "x", channel, url));
}
