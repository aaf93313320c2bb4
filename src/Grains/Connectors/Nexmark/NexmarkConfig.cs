using System.Globalization;

namespace Sluice.Connectors.Nexmark;

/// <summary>
/// The Nexmark generator's parameters, with the defaults of the Nexmark suites (the nexmark project's
/// <c>NexmarkConfiguration</c>, Beam's <c>NexmarkConfiguration</c>): people, auctions and bids in proportions 1:3:46,
/// ids from 1000, categories from 10, hot auction/seller/bidder ratios 2/4/4, 100 auctions in flight, 1,000 active
/// people. Event <c>n</c> (0-based, over all partitions) happens at <see cref="BaseTimeMs"/> + n / <see cref="EventsPerSecond"/>
/// seconds (the suites' <c>interEventDelayUs</c>, one timeline), and its fields depend only on <c>n</c> and <see cref="Seed"/>.
/// </summary>
public sealed record NexmarkConfig
{
    public const long FirstPersonId = 1000;
    public const long FirstAuctionId = 1000;
    public const long FirstCategoryId = 10;
    public const int PersonProportion = 1;
    public const int AuctionProportion = 3;
    public const int BidProportion = 46;
    public const int TotalProportion = PersonProportion + AuctionProportion + BidProportion;
    public const int HotAuctionRatio = 2;
    public const int HotSellersRatio = 4;
    public const int HotBiddersRatio = 4;
    public const int NumInFlightAuctions = 100;
    public const int NumActivePeople = 1000;
    public const int AvgPersonByteSize = 200;
    public const int AvgAuctionByteSize = 500;
    public const int AvgBidByteSize = 100;

    /// <summary>The first event's time, fixed (the suites default to the wall clock) so every run sees the same events: 2026-01-01T00:00:00Z.</summary>
    public const long BaseTimeMs = 1_767_225_600_000;

    /// <summary>Events in the whole sequence (all partitions).</summary>
    public long Events { get; init; } = 1_000_000;

    /// <summary>Partitions: event <c>n</c> is offset <c>n / Partitions</c> of partition <c>n % Partitions</c>.</summary>
    public int Partitions { get; init; } = 2;

    /// <summary>Varies every random field; the same seed gives the same events.</summary>
    public long Seed { get; init; }

    /// <summary>The event-time rate (the suites' <c>firstEventRate</c>, default 10,000): how fast event time advances, not how fast rows are made.</summary>
    public long EventsPerSecond { get; init; } = 10_000;

    /// <summary>Event <c>n</c>'s time in epoch ms.</summary>
    public long TimestampMs(long n) => BaseTimeMs + (n * 1000 / EventsPerSecond);

    /// <summary>The global event number at <paramref name="offset"/> of <paramref name="partition"/>.</summary>
    public long EventAt(int partition, long offset) => (offset * Partitions) + partition;

    /// <summary>How many offsets <paramref name="partition"/> has.</summary>
    public long PartitionLength(int partition) => (Events - partition + Partitions - 1) / Partitions;

    /// <summary>The source options this config reads, by name.</summary>
    public static readonly IReadOnlyList<string> OptionNames = ["events", "partitions", "seed", "eventsPerSecond", "stream"];

    /// <summary>Reads the source's options; an unknown option or a bad value fails with a message that names it.</summary>
    public static NexmarkConfig FromOptions(IReadOnlyDictionary<string, string> options)
    {
        foreach (var name in options.Keys)
        {
            if (!OptionNames.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"unknown nexmark source option '{name}'; valid options: {string.Join(", ", OptionNames)}");
            }
        }
        return new NexmarkConfig
        {
            Events = Positive(options, "events", 1_000_000),
            Partitions = (int)Math.Min(Positive(options, "partitions", 2), 4096),
            Seed = options.TryGetValue("seed", out var s) ? long.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0,
            EventsPerSecond = Positive(options, "eventsPerSecond", 10_000),
        };
    }

    private static long Positive(IReadOnlyDictionary<string, string> options, string name, long fallback) =>
        options.TryGetValue(name, out var text)
            ? long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value
                : throw new ArgumentException($"the nexmark source's option '{name}' must be a positive whole number, not '{text}'")
            : fallback;
}
