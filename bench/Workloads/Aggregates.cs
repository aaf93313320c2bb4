using System.Runtime.InteropServices;
using Sluice.Connectors.Generator;

namespace Sluice.Bench.Workloads;

/// <summary>
/// What each workload computes, kept the way the limits keep it: plain dictionaries keyed by numbers, an id and a
/// window packed into one long (<see cref="Key"/>). One instance per consumer; <see cref="Merge"/> combines them
/// (partitions share keys, so W1, W2 and W3 merge by key).
/// </summary>
internal sealed class Aggregates
{
    public const long WindowMs = 5 * 60 * 1000;
    public static readonly long SessionGapMs = (long)Sluice.Processing.BuiltIn.Sessionizer.Gap.TotalMilliseconds;

    /// <summary>W1: events per (user, window), keyed by <see cref="Key"/>.</summary>
    public Dictionary<long, long> Counts { get; } = [];

    /// <summary>W2: revenue in cents per (product, window), keyed by <see cref="Key"/>.</summary>
    public Dictionary<long, long> Revenue { get; } = [];

    /// <summary>W3: each user's (time, cents) events, cut into sessions by <see cref="CutSessions"/>.</summary>
    public Dictionary<int, List<(long TimeMs, long Cents)>> UserEvents { get; } = [];

    /// <summary>W3: the sessions, once cut.</summary>
    public List<Session> Sessions { get; private set; } = [];

    /// <summary>W4: purchases.</summary>
    public long Purchases { get; set; }

    public long Events { get; set; }

    /// <summary>An id and a window start as one key: the window's index (start / 5 minutes) high, the id low.</summary>
    public static long Key(int id, long windowStartMs) => ((windowStartMs / WindowMs) << 32) | (uint)id;

    public static int IdOf(long key) => (int)key;

    public static long WindowStartOf(long key) => (key >> 32) * WindowMs;

    public void AddW1(in ClickEvent e) => CollectionsMarshal.GetValueRefOrAddDefault(Counts, Key(e.User, WindowOf(e.TimeMs)), out _)++;

    public void AddW2(in ClickEvent e) => CollectionsMarshal.GetValueRefOrAddDefault(Revenue, Key(e.Product, WindowOf(e.TimeMs)), out _) += e.AmountCents;

    public void AddW3(in ClickEvent e)
    {
        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(UserEvents, e.User, out _);
        (list ??= []).Add((e.TimeMs, e.AmountCents));
    }

    public void AddW4(in ClickEvent e) => Purchases += e.IsPurchase ? 1 : 0;

    public static long WindowOf(long timeMs) => timeMs - (((timeMs % WindowMs) + WindowMs) % WindowMs);

    /// <summary>Folds the other parts into the largest (fewer keys to move than into an empty one).</summary>
    public static Aggregates Merge(IReadOnlyList<Aggregates> parts)
    {
        var all = parts.MaxBy(p => p.Counts.Count + p.Revenue.Count + p.UserEvents.Count) ?? new Aggregates();
        foreach (var part in parts)
        {
            if (ReferenceEquals(part, all))
            {
                continue;
            }
            all.Events += part.Events;
            all.Purchases += part.Purchases;
            foreach (var (k, v) in part.Counts) CollectionsMarshal.GetValueRefOrAddDefault(all.Counts, k, out _) += v;
            foreach (var (k, v) in part.Revenue) CollectionsMarshal.GetValueRefOrAddDefault(all.Revenue, k, out _) += v;
            foreach (var (k, v) in part.UserEvents)
            {
                ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(all.UserEvents, k, out _);
                if (list is null) list = v; else list.AddRange(v);
            }
        }
        return all;
    }

    /// <summary>W3's sessions: per user, events sorted by time, cut where the gap reaches the Sessionizer's.</summary>
    public void CutSessions()
    {
        var sessions = new List<Session>(UserEvents.Count * 2);
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
        Sessions = sessions;
    }

    /// <summary>Null when <paramref name="other"/> holds the same result of <paramref name="workload"/> key by key, else how they differ.</summary>
    public string? Differences(string workload, Aggregates other)
    {
        if (Events != other.Events)
        {
            return $"{other.Events} events, not {Events}";
        }
        return workload switch
        {
            "W1" => Compare("(user, window) counts", Counts, other.Counts),
            "W2" => Compare("(product, window) revenues", Revenue, other.Revenue),
            "W3" => Compare("sessions", Sessions.ToDictionary(s => (s.User, s.StartMs), s => s), other.Sessions.ToDictionary(s => (s.User, s.StartMs), s => s)),
            _ => Purchases == other.Purchases ? null : $"{other.Purchases} purchases, not {Purchases}",
        };
    }

    private static string? Compare<TKey, TValue>(string what, Dictionary<TKey, TValue> mine, Dictionary<TKey, TValue> theirs) where TKey : notnull
    {
        var wrong = mine.Count(kv => !theirs.TryGetValue(kv.Key, out var v) || !EqualityComparer<TValue>.Default.Equals(v, kv.Value));
        return wrong == 0 && mine.Count == theirs.Count ? null : $"{wrong} of {mine.Count} {what} differ; the other has {theirs.Count}";
    }
}

/// <summary>A closed session: its user, first event, end (last event + gap) and amount in cents.</summary>
internal readonly record struct Session(int User, long StartMs, long EndMs, long Cents);
