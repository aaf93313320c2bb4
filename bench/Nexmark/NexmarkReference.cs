using Sluice.Connectors.Nexmark;

namespace Sluice.Bench.Nexmark;

/// <summary>
/// Each query's result computed by plain C# over the same events (in event-number order), with the Flink suite's
/// semantics: the rows a correct engine must emit, in the column order of the specs in <c>bench/nexmark/</c>.
/// Windowed queries in append mode emit a window (or session) once the watermark passes its end, so they take the
/// run's final watermark and keep what it closed; q3, q8 and q20 emit at every match, so they keep everything. q17
/// runs in update mode: its reference is each group's last row (the harness keeps the engine's last row per
/// <see cref="UpdateKeys"/>). Times are epoch ms; the digest compares them with the engine's timestamps in ms.
/// </summary>
internal static class NexmarkReference
{
    public const long WindowMs = 10_000;
    public const long SlideMs = 2_000;
    public const long SessionGapMs = 10_000;

    public static readonly IReadOnlyList<string> Queries =
        ["q0", "q1", "q2", "q3", "q4", "q5", "q7", "q8", "q8-all", "q10", "q11", "q13", "q14", "q17", "q20", "q21", "q22"];

    /// <summary>How many leading key columns an update-mode query's rows have (0: not an update-mode query).</summary>
    public static int UpdateKeys(string query) => query == "q17" ? 2 : 0;

    /// <summary>q21's channel ids of the four hot channels, by lower-case name.</summary>
    private static readonly Dictionary<string, string> HotChannelIds = new() { ["apple"] = "0", ["google"] = "1", ["facebook"] = "2", ["baidu"] = "3" };

    /// <summary>q13's bounded side input: keys 0 to 9,999, each valued by its own decimal text (as RisingWave's and Feldera's runs fill it).</summary>
    public const int SideInputRows = 10_000;

    public static IEnumerable<object?[]> Rows(string query, IEnumerable<NexmarkEvent> events, long finalWatermarkMs) => query switch
    {
        "q0" => Bids(events).Select(b => new object?[] { b.Auction, b.Bidder, b.Price, b.DateTimeMs, b.Extra }),
        "q1" => Bids(events).Select(b => new object?[] { b.Auction, b.Bidder, 0.908 * b.Price, b.DateTimeMs, b.Extra }),
        "q2" => Bids(events).Where(b => b.Auction % 123 == 0).Select(b => new object?[] { b.Auction, b.Price }),
        "q3" => Q3(events),
        "q4" => Q4(events),
        "q5" => Q5(events, finalWatermarkMs),
        "q7" => Q7(events, finalWatermarkMs),
        // q8-all is q8 reading every event, as Flink's and Feldera's sources make them, and filtering by type.
        "q8" or "q8-all" => Q8(events),
        "q10" => Bids(events).Select(b => new object?[]
        {
            b.Auction, b.Bidder, b.Price, b.DateTimeMs, b.Extra,
            NexmarkRows.Time(b.DateTimeMs).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            NexmarkRows.Time(b.DateTimeMs).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture),
        }),
        "q11" => Q11(events, finalWatermarkMs),
        "q13" => Bids(events).Select(b => new object?[] { b.Auction, b.Bidder, b.Price, b.DateTimeMs, (b.Auction % SideInputRows).ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        "q14" => Q14(events),
        "q17" => Q17(events),
        "q20" => Q20(events),
        "q21" => Q21(events),
        "q22" => Bids(events).Select(b =>
        {
            // Flink's SPLIT_INDEX(url, '/', n): 0-based, NULL past the end.
            var parts = b.Url.Split('/');
            return new object?[] { b.Auction, b.Bidder, b.Price, b.Channel, parts.ElementAtOrDefault(3), parts.ElementAtOrDefault(4), parts.ElementAtOrDefault(5) };
        }),
        _ => throw new ArgumentException($"no reference for query '{query}'"),
    };

    /// <summary>Sellers in OR, ID or CA with their auctions in category 10: (name, city, state, auction id).</summary>
    public static IEnumerable<object?[]> Q3(IEnumerable<NexmarkEvent> events)
    {
        var people = new Dictionary<long, NexmarkPerson>();
        var auctions = new List<NexmarkAuction>();
        foreach (var e in events)
        {
            if (e.Person is { State: "OR" or "ID" or "CA" } p)
            {
                people[p.Id] = p;
            }
            else if (e.Auction is { Category: 10 } a)
            {
                auctions.Add(a);
            }
        }
        return auctions.Where(a => people.ContainsKey(a.Seller))
            .Select(a => new object?[] { people[a.Seller].Name, people[a.Seller].City, people[a.Seller].State, a.Id });
    }

    /// <summary>Per category, the average over its auctions of the highest bid made while the auction was open.</summary>
    public static IEnumerable<object?[]> Q4(IEnumerable<NexmarkEvent> events)
    {
        var auctions = events.Where(e => e.Auction is not null).ToDictionary(e => e.Auction!.Id, e => e.Auction!);
        var final = new Dictionary<long, long>();
        foreach (var b in Bids(events))
        {
            if (auctions.TryGetValue(b.Auction, out var a) && b.DateTimeMs >= a.DateTimeMs && b.DateTimeMs <= a.ExpiresMs)
            {
                final[a.Id] = Math.Max(final.GetValueOrDefault(a.Id, long.MinValue), b.Price);
            }
        }
        return final.GroupBy(kv => auctions[kv.Key].Category)
            .Select(g => new object?[] { g.Key, g.Sum(kv => (double)kv.Value) / g.Count() });
    }

    /// <summary>Per closed sliding window (10 s every 2 s), the auctions with the most bids: (auction, bids).</summary>
    public static IEnumerable<object?[]> Q5(IEnumerable<NexmarkEvent> events, long watermarkMs)
    {
        var counts = new Dictionary<(long Start, long Auction), long>();
        foreach (var b in Bids(events))
        {
            // Spark's sliding windows: starts aligned to the slide from the epoch, each window [start, start + size).
            for (var start = Floor(b.DateTimeMs, SlideMs); start > b.DateTimeMs - WindowMs; start -= SlideMs)
            {
                if (start + WindowMs <= watermarkMs)
                {
                    var key = (start, b.Auction);
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
            }
        }
        var max = counts.GroupBy(kv => kv.Key.Start).ToDictionary(g => g.Key, g => g.Max(kv => kv.Value));
        return counts.Where(kv => kv.Value >= max[kv.Key.Start]).Select(kv => new object?[] { kv.Key.Auction, kv.Value });
    }

    /// <summary>The bids at each closed 10 s window's highest price, within [end - 10 s, end] (Flink's BETWEEN, both ends included).</summary>
    public static IEnumerable<object?[]> Q7(IEnumerable<NexmarkEvent> events, long watermarkMs)
    {
        // Two passes over the events (the harness's enumerable makes them again) rather than holding every bid.
        var maxByEnd = new Dictionary<long, long>();
        foreach (var b in Bids(events))
        {
            var end = Floor(b.DateTimeMs, WindowMs) + WindowMs;
            if (end <= watermarkMs)
            {
                maxByEnd[end] = Math.Max(maxByEnd.GetValueOrDefault(end, long.MinValue), b.Price);
            }
        }
        // A bid lies in [end - 10 s, end] of its own window and, when it falls exactly on a boundary, of the window ending there.
        return Bids(events).SelectMany(b => (b.DateTimeMs % WindowMs == 0 ? [Floor(b.DateTimeMs, WindowMs) + WindowMs, b.DateTimeMs] : new[] { Floor(b.DateTimeMs, WindowMs) + WindowMs })
                .Where(end => maxByEnd.TryGetValue(end, out var max) && max == b.Price)
                .Select(_ => new object?[] { b.Auction, b.Bidder, b.Price, b.DateTimeMs, b.Extra }));
    }

    /// <summary>People who created an auction in the 10 s tumbling window they joined in: (id, name, window start).</summary>
    public static IEnumerable<object?[]> Q8(IEnumerable<NexmarkEvent> events)
    {
        var people = new List<NexmarkPerson>();
        var sellers = new HashSet<(long Seller, long Window)>();
        foreach (var e in events)
        {
            if (e.Person is { } p)
            {
                people.Add(p);
            }
            else if (e.Auction is { } a)
            {
                sellers.Add((a.Seller, Floor(a.DateTimeMs, WindowMs)));
            }
        }
        return people.Where(p => sellers.Contains((p.Id, Floor(p.DateTimeMs, WindowMs))))
            .Select(p => new object?[] { p.Id, p.Name, Floor(p.DateTimeMs, WindowMs) });
    }

    /// <summary>Each bidder's sessions (10 s gap) that the watermark closed: (bidder, bids, start, end = last bid + gap).</summary>
    public static IEnumerable<object?[]> Q11(IEnumerable<NexmarkEvent> events, long watermarkMs)
    {
        var open = new Dictionary<long, (long Start, long Last, long Count)>();
        var closed = new List<object?[]>();
        foreach (var b in Bids(events).OrderBy(b => b.DateTimeMs))
        {
            // Spark merges a row into a session whose end (last + gap) it does not pass.
            if (open.TryGetValue(b.Bidder, out var s) && b.DateTimeMs <= s.Last + SessionGapMs)
            {
                open[b.Bidder] = (s.Start, Math.Max(s.Last, b.DateTimeMs), s.Count + 1);
                continue;
            }
            if (open.ContainsKey(b.Bidder))
            {
                closed.Add([b.Bidder, s.Count, s.Start, s.Last + SessionGapMs]);
            }
            open[b.Bidder] = (b.DateTimeMs, b.DateTimeMs, 1);
        }
        closed.AddRange(open.Select(kv => new object?[] { kv.Key, kv.Value.Count, kv.Value.Start, kv.Value.Last + SessionGapMs }));
        return closed.Where(r => (long)r[3]! <= watermarkMs);
    }

    /// <summary>Bids between 1M and 50M after conversion, with a time-of-day type (UTC hours) and the count of 'c' in extra (the suite's UDF).</summary>
    public static IEnumerable<object?[]> Q14(IEnumerable<NexmarkEvent> events) =>
        Bids(events).Where(b => 0.908 * b.Price is > 1_000_000 and < 50_000_000).Select(b =>
        {
            var hour = NexmarkRows.Time(b.DateTimeMs).Hour;
            var type = hour is >= 8 and <= 18 ? "dayTime" : hour is <= 6 or >= 20 ? "nightTime" : "otherTime";
            return new object?[] { b.Auction, b.Bidder, 0.908 * b.Price, type, b.DateTimeMs, b.Extra, (long)b.Extra.Count(c => c == 'c') };
        });

    /// <summary>Per auction and day: bids, bids per price band (below $100, below $10,000, above), min, max, avg and sum of the price.</summary>
    public static IEnumerable<object?[]> Q17(IEnumerable<NexmarkEvent> events) =>
        Bids(events).GroupBy(b => (b.Auction, Day: NexmarkRows.Time(b.DateTimeMs).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))
            .Select(g => new object?[]
            {
                g.Key.Auction, g.Key.Day, (long)g.Count(),
                (long)g.Count(b => b.Price < 10_000), (long)g.Count(b => b.Price is >= 10_000 and < 1_000_000), (long)g.Count(b => b.Price >= 1_000_000),
                g.Min(b => b.Price), g.Max(b => b.Price), (double)g.Sum(b => b.Price) / g.Count(), g.Sum(b => b.Price),
            });

    /// <summary>Every bid on an auction of category 10 (whenever either arrives), with the auction's fields.</summary>
    public static IEnumerable<object?[]> Q20(IEnumerable<NexmarkEvent> events)
    {
        var auctions = events.Where(e => e.Auction is { Category: 10 }).ToDictionary(e => e.Auction!.Id, e => e.Auction!);
        return Bids(events).Where(b => auctions.ContainsKey(b.Auction)).Select(b =>
        {
            var a = auctions[b.Auction];
            return new object?[]
            {
                b.Auction, b.Bidder, b.Price, b.Channel, b.Url, b.DateTimeMs, b.Extra,
                a.ItemName, a.Description, a.InitialBid, a.Reserve, a.DateTimeMs, a.ExpiresMs, a.Seller, a.Category, a.Extra,
            };
        });
    }

    /// <summary>Bids of a hot channel (its fixed id) or whose url carries a channel_id parameter (its value).</summary>
    public static IEnumerable<object?[]> Q21(IEnumerable<NexmarkEvent> events)
    {
        foreach (var b in Bids(events))
        {
            var id = HotChannelIds.GetValueOrDefault(b.Channel.ToLowerInvariant()) ?? ChannelIdParameter(b.Url);
            if (id is not null)
            {
                yield return [b.Auction, b.Bidder, b.Price, b.Channel, id];
            }
        }
    }

    /// <summary>The value of the first <c>channel_id=</c> that starts the url or follows an '&amp;', up to the next '&amp;'; null when none.</summary>
    private static string? ChannelIdParameter(string url)
    {
        const string Name = "channel_id=";
        for (var at = url.IndexOf(Name, StringComparison.Ordinal); at >= 0; at = url.IndexOf(Name, at + 1, StringComparison.Ordinal))
        {
            if (at == 0 || url[at - 1] == '&')
            {
                var start = at + Name.Length;
                var end = url.IndexOf('&', start);
                return url[start..(end < 0 ? url.Length : end)];
            }
        }
        return null;
    }

    private static IEnumerable<NexmarkBid> Bids(IEnumerable<NexmarkEvent> events) => events.Where(e => e.Bid is not null).Select(e => e.Bid!.Value);

    private static long Floor(long ms, long size) => ms - (((ms % size) + size) % size);
}
