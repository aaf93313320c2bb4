using Sluice.Connectors.Generator;

namespace Sluice.Bench.Workloads;

/// <summary>
/// What each workload computes, kept the way the limit keeps it: plain dictionaries keyed by numbers.
/// One instance per consumer thread; <see cref="Merge"/> combines them (partitions never share a key's events
/// only for W4's count, so W1, W2 and W3 merge by key).
/// </summary>
internal sealed class Aggregates
{
    public const long WindowMs = 5 * 60 * 1000;
    public static readonly long SessionGapMs = (long)Sluice.Processing.BuiltIn.Sessionizer.Gap.TotalMilliseconds;

    /// <summary>W1: events per (user, window start).</summary>
    public Dictionary<(int User, long Window), long> Counts { get; } = [];

    /// <summary>W2: revenue in cents per (product, window start).</summary>
    public Dictionary<(int Product, long Window), long> Revenue { get; } = [];

    /// <summary>W3: each user's (time, cents) events, cut into sessions at the end.</summary>
    public Dictionary<int, List<(long TimeMs, long Cents)>> UserEvents { get; } = [];

    /// <summary>W4: purchases.</summary>
    public long Purchases { get; set; }

    public long Events { get; set; }

    public long MaxTimeMs { get; set; } = long.MinValue;

    public void AddW1(in ClickEvent e)
    {
        var key = (e.User, WindowOf(e.TimeMs));
        Counts[key] = Counts.GetValueOrDefault(key) + 1;
    }

    public void AddW2(in ClickEvent e)
    {
        var key = (e.Product, WindowOf(e.TimeMs));
        Revenue[key] = Revenue.GetValueOrDefault(key) + e.AmountCents;
    }

    public void AddW3(in ClickEvent e)
    {
        if (!UserEvents.TryGetValue(e.User, out var list))
        {
            UserEvents[e.User] = list = [];
        }
        list.Add((e.TimeMs, e.AmountCents));
    }

    public void Observe(in ClickEvent e)
    {
        Events++;
        MaxTimeMs = Math.Max(MaxTimeMs, e.TimeMs);
    }

    public static long WindowOf(long timeMs) => timeMs - (((timeMs % WindowMs) + WindowMs) % WindowMs);

    public static Aggregates Merge(IEnumerable<Aggregates> parts)
    {
        var all = new Aggregates();
        foreach (var part in parts)
        {
            all.Events += part.Events;
            all.Purchases += part.Purchases;
            all.MaxTimeMs = Math.Max(all.MaxTimeMs, part.MaxTimeMs);
            foreach (var (k, v) in part.Counts) all.Counts[k] = all.Counts.GetValueOrDefault(k) + v;
            foreach (var (k, v) in part.Revenue) all.Revenue[k] = all.Revenue.GetValueOrDefault(k) + v;
            foreach (var (k, v) in part.UserEvents)
            {
                if (all.UserEvents.TryGetValue(k, out var list)) list.AddRange(v); else all.UserEvents[k] = v;
            }
        }
        return all;
    }

    /// <summary>W3's sessions: per user, events sorted by time, cut where the gap exceeds the Sessionizer's.</summary>
    public List<Session> Sessions()
    {
        var sessions = new List<Session>();
        foreach (var (user, events) in UserEvents)
        {
            events.Sort();
            var start = events[0].TimeMs;
            var last = start;
            var cents = 0L;
            foreach (var (time, amount) in events)
            {
                if (time - last >= SessionGapMs)
                {
                    sessions.Add(new Session(user, start, last + SessionGapMs, cents));
                    start = time;
                    cents = 0;
                }
                last = time;
                cents += amount;
            }
            sessions.Add(new Session(user, start, last + SessionGapMs, cents));
        }
        return sessions;
    }
}

/// <summary>A closed session: its user, first event, end (last event + gap) and amount in cents.</summary>
internal readonly record struct Session(int User, long StartMs, long EndMs, long Cents);
