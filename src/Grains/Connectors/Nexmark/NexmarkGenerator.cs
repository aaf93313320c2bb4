namespace Sluice.Connectors.Nexmark;

/// <summary>
/// The Nexmark event sequence: event <c>n</c> is a person, an auction or a bid by <c>n % 50</c> (1:3:46), with the
/// ids, hot items and prices of the Nexmark suites' <c>PersonGenerator</c>, <c>AuctionGenerator</c> and
/// <c>BidGenerator</c>. A pure function of the config and <c>n</c>: no state, no coordination between partitions.
/// </summary>
public static class NexmarkGenerator
{
    /// <summary>Batches of people and auctions whose first member is 'hot' (the suites' HOT_*_RATIO constants).</summary>
    private const int HotBatch = 100;

    /// <summary>Ids not yet created that a random pick may still choose (the suites' PERSON_ID_LEAD, AUCTION_ID_LEAD).</summary>
    private const int IdLead = 10;

    private const int Categories = 5;

    private static readonly string[] States = ["AZ", "CA", "ID", "OR", "WA", "WY"];
    private static readonly string[] Cities = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"];
    private static readonly string[] FirstNames = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"];
    private static readonly string[] LastNames = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"];

    public static NexmarkKind KindOf(long n)
    {
        var rem = n % NexmarkConfig.TotalProportion;
        return rem < NexmarkConfig.PersonProportion ? NexmarkKind.Person
            : rem < NexmarkConfig.PersonProportion + NexmarkConfig.AuctionProportion ? NexmarkKind.Auction
            : NexmarkKind.Bid;
    }

    public static NexmarkEvent At(NexmarkConfig config, long n) => KindOf(n) switch
    {
        NexmarkKind.Person => new NexmarkEvent(n, NexmarkKind.Person, PersonAt(config, n), null, null),
        NexmarkKind.Auction => new NexmarkEvent(n, NexmarkKind.Auction, null, AuctionAt(config, n), null),
        _ => new NexmarkEvent(n, NexmarkKind.Bid, null, null, BidAt(config, n)),
    };

    public static NexmarkPerson PersonAt(NexmarkConfig config, long n)
    {
        var random = new NexmarkRandom(config.Seed, n);
        var name = FirstNames[random.NextInt(FirstNames.Length)] + " " + LastNames[random.NextInt(LastNames.Length)];
        var email = NexmarkStrings.Next(ref random, 7) + "@" + NexmarkStrings.Next(ref random, 5) + ".com";
        var card = string.Create(19, random.NextULong(), static (span, bits) =>
        {
            for (var i = 0; i < 4; i++)
            {
                var group = (int)((bits >> (16 * i)) & 0xFFFF) % 10_000;
                group.TryFormat(span[(i * 5)..], out _, "D4", System.Globalization.CultureInfo.InvariantCulture);
                if (i < 3)
                {
                    span[(i * 5) + 4] = ' ';
                }
            }
        });
        var city = Cities[random.NextInt(Cities.Length)];
        var state = States[random.NextInt(States.Length)];
        var size = 8 + name.Length + email.Length + card.Length + city.Length + state.Length;
        return new NexmarkPerson(LastBase0PersonId(n) + NexmarkConfig.FirstPersonId, name, email, card, city, state, config.TimestampMs(n),
            NexmarkStrings.Extra(ref random, size, NexmarkConfig.AvgPersonByteSize));
    }

    public static NexmarkAuction AuctionAt(NexmarkConfig config, long n)
    {
        var random = new NexmarkRandom(config.Seed, n);
        var seller = random.NextInt(NexmarkConfig.HotSellersRatio) > 0
            ? LastBase0PersonId(n) / HotBatch * HotBatch
            : NextBase0PersonId(n, ref random);
        var category = NexmarkConfig.FirstCategoryId + random.NextInt(Categories);
        var initialBid = Price(ref random);
        var time = config.TimestampMs(n);
        // An auction lasts on average until numInFlightAuctions more auctions have been created (the suites' nextAuctionLengthMs).
        var horizonMs = config.TimestampMs(n + ((long)NexmarkConfig.NumInFlightAuctions * NexmarkConfig.TotalProportion / NexmarkConfig.AuctionProportion)) - time;
        var expires = time + 1 + random.NextLong(Math.Max(horizonMs * 2, 1));
        var itemName = NexmarkStrings.Next(ref random, 20);
        var description = NexmarkStrings.Next(ref random, 100);
        var reserve = initialBid + Price(ref random);
        var size = 8 + itemName.Length + description.Length + (5 * 8);
        return new NexmarkAuction(LastBase0AuctionId(n) + NexmarkConfig.FirstAuctionId, itemName, description, initialBid, reserve, time, expires,
            seller + NexmarkConfig.FirstPersonId, category, NexmarkStrings.Extra(ref random, size, NexmarkConfig.AvgAuctionByteSize));
    }

    public static NexmarkBid BidAt(NexmarkConfig config, long n) => BidAt(config, n, extra: true, channel: true);

    /// <summary>
    /// As <see cref="BidAt(NexmarkConfig, long)"/>, leaving out what no one reads: the channel and url (drawn last) when
    /// <paramref name="channel"/> is false, and extra too (drawn before them) when neither is read. The fields made are
    /// the same values either way; those left out are empty.
    /// </summary>
    public static NexmarkBid BidAt(NexmarkConfig config, long n, bool extra, bool channel)
    {
        var random = new NexmarkRandom(config.Seed, n);
        var auction = random.NextInt(NexmarkConfig.HotAuctionRatio) > 0
            ? LastBase0AuctionId(n) / HotBatch * HotBatch
            : NextBase0AuctionId(n, ref random);
        // The second person of the hot batch, so hot bidders and hot sellers differ.
        var bidder = random.NextInt(NexmarkConfig.HotBiddersRatio) > 0
            ? (LastBase0PersonId(n) / HotBatch * HotBatch) + 1
            : NextBase0PersonId(n, ref random);
        var price = Price(ref random);
        var extraText = extra || channel ? NexmarkStrings.Extra(ref random, 32, NexmarkConfig.AvgBidByteSize) : "";
        // Drawn after extra (the suite draws them before it) so every field the older suite has keeps its value.
        var (channelText, url) = channel ? NexmarkChannels.For(config.Seed).Next(ref random) : ("", "");
        return new NexmarkBid(auction + NexmarkConfig.FirstAuctionId, bidder + NexmarkConfig.FirstPersonId, price, config.TimestampMs(n),
            extra ? extraText : "", channelText, url);
    }

    /// <summary>The last person id created at or before event <paramref name="n"/> (0-based).</summary>
    public static long LastBase0PersonId(long n)
    {
        var epoch = n / NexmarkConfig.TotalProportion;
        var offset = Math.Min(n % NexmarkConfig.TotalProportion, NexmarkConfig.PersonProportion - 1);
        return (epoch * NexmarkConfig.PersonProportion) + offset;
    }

    /// <summary>The last auction id created at or before event <paramref name="n"/> (0-based; -1 before the first).</summary>
    public static long LastBase0AuctionId(long n)
    {
        var epoch = n / NexmarkConfig.TotalProportion;
        var offset = n % NexmarkConfig.TotalProportion;
        if (offset < NexmarkConfig.PersonProportion)
        {
            epoch--;
            offset = NexmarkConfig.AuctionProportion - 1;
        }
        else if (offset >= NexmarkConfig.PersonProportion + NexmarkConfig.AuctionProportion)
        {
            offset = NexmarkConfig.AuctionProportion - 1;
        }
        else
        {
            offset -= NexmarkConfig.PersonProportion;
        }
        return (epoch * NexmarkConfig.AuctionProportion) + offset;
    }

    /// <summary>A random person among the last <c>numActivePeople</c>, or a few not created yet.</summary>
    private static long NextBase0PersonId(long n, ref NexmarkRandom random)
    {
        var people = LastBase0PersonId(n) + 1;
        var active = Math.Min(people, NexmarkConfig.NumActivePeople);
        return people - active + random.NextLong(active + IdLead);
    }

    /// <summary>A random auction among those likely still in flight, or a few not created yet.</summary>
    private static long NextBase0AuctionId(long n, ref NexmarkRandom random)
    {
        var max = LastBase0AuctionId(n);
        var min = Math.Max(max - NexmarkConfig.NumInFlightAuctions, 0);
        return min + random.NextLong(max - min + 1 + IdLead);
    }

    /// <summary>The suites' price: 10^(6u) x 100, so from 1 to 100,000,000 cents, log-uniform.</summary>
    private static long Price(ref NexmarkRandom random) => (long)Math.Round(Math.Pow(10.0, random.NextDouble() * 6.0) * 100.0);
}
