using System.Runtime.InteropServices;
using Sluice.Connectors.Generator;

namespace Sluice.Bench.Workloads;

/// <summary>
/// What each workload computes, kept the way the limits keep it: plain dictionaries keyed by numbers, an id and a
/// window packed into one long (<see cref="WindowKey"/>). One instance per consumer; <see cref="Merge"/> combines them
/// (partitions share keys, so W1, W2 and W3 merge by key).
/// </summary>
internal sealed class Aggregates
{
    public const long WindowMs = 5 * 60 * 1000;
    public static readonly long SessionGapMs = (long)Sluice.Processing.BuiltIn.Sessionizer.Gap.TotalMilliseconds;

    /// <summary>W1: events per (user, window).</summary>
    public Dictionary<WindowKey, long> Counts { get; } = [];

    /// <summary>W2: revenue in cents per (product, window).</summary>
    public Dictionary<WindowKey, long> Revenue { get; } = [];

    /// <summary>
    /// W3: each user's sessions so far, sorted by start and a gap or more apart, built event by event in any order
    /// (<see cref="AddW3"/>); sessions of other parts are appended by <see cref="Merge"/> and joined by <see cref="CutSessions"/>.
    /// </summary>
    public Dictionary<int, List<OpenSession>> UserSessions { get; } = [];

    /// <summary>
    /// W3: the sessions, once cut by the gap alone; the Sessionizer emits these only while batches are short enough
    /// (see <see cref="ClickEventSequence"/>), so the check replays the run's batches instead (<see cref="SessionModel"/>).
    /// </summary>
    public List<Session> Sessions { get; private set; } = [];

    /// <summary>W4: purchases.</summary>
    public long Purchases { get; set; }

    public long Events { get; set; }

    public void AddW1(in ClickEvent e) => CollectionsMarshal.GetValueRefOrAddDefault(Counts, WindowKey.Of(e.User, WindowOf(e.TimeMs)), out _)++;

    public void AddW2(in ClickEvent e) => CollectionsMarshal.GetValueRefOrAddDefault(Revenue, WindowKey.Of(e.Product, WindowOf(e.TimeMs)), out _) += e.AmountCents;

    /// <summary>
    /// Puts the event into the user's session it falls in (less than the gap from it), widening that session and
    /// joining it with the one before when the event closes the gap; else starts a session in its place. Events come
    /// almost in time order, so the session is nearly always the last one.
    /// </summary>
    public void AddW3(in ClickEvent e)
    {
        ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(UserSessions, e.User, out _);
        list ??= [];
        var t = e.TimeMs;
        var sessions = CollectionsMarshal.AsSpan(list);
        var i = sessions.Length - 1;
        while (i >= 0 && t <= sessions[i].StartMs - SessionGapMs)
        {
            i--;
        }
        if (i < 0 || t >= sessions[i].LastMs + SessionGapMs)
        {
            // Also a gap or more from the next session (the loop passed it), so a session of its own.
            list.Insert(i + 1, new OpenSession(t, t, e.AmountCents));
            return;
        }
        ref var s = ref sessions[i];
        s = new OpenSession(Math.Min(s.StartMs, t), Math.Max(s.LastMs, t), s.Cents + e.AmountCents);
        if (i > 0 && sessions[i - 1].LastMs + SessionGapMs > s.StartMs)
        {
            var before = sessions[i - 1];
            sessions[i - 1] = new OpenSession(before.StartMs, s.LastMs, before.Cents + s.Cents);
            list.RemoveAt(i);
        }
    }

    public void AddW4(in ClickEvent e) => Purchases += e.IsPurchase ? 1 : 0;

    public static long WindowOf(long timeMs) => timeMs - (((timeMs % WindowMs) + WindowMs) % WindowMs);

    /// <summary>Folds the other parts into the largest (fewer keys to move than into an empty one).</summary>
    public static Aggregates Merge(IReadOnlyList<Aggregates> parts)
    {
        var all = parts.MaxBy(p => p.Counts.Count + p.Revenue.Count + p.UserSessions.Count) ?? new Aggregates();
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
            foreach (var (k, v) in part.UserSessions)
            {
                ref var list = ref CollectionsMarshal.GetValueRefOrAddDefault(all.UserSessions, k, out _);
                if (list is null) list = v; else list.AddRange(v);
            }
        }
        return all;
    }

    /// <summary>
    /// W3's sessions: per user, the sessions of every part sorted by start and joined where less than the Sessionizer's
    /// gap apart (a no-op for one part's, already apart), each ending a gap after its last event.
    /// </summary>
    public void CutSessions()
    {
        var sessions = new List<Session>(UserSessions.Count * 4);
        foreach (var (user, parts) in UserSessions)
        {
            parts.Sort(static (a, b) => a.StartMs.CompareTo(b.StartMs));
            var current = parts[0];
            for (var i = 1; i < parts.Count; i++)
            {
                var next = parts[i];
                if (next.StartMs < current.LastMs + SessionGapMs)
                {
                    current = new OpenSession(current.StartMs, Math.Max(current.LastMs, next.LastMs), current.Cents + next.Cents);
                }
                else
                {
                    sessions.Add(new Session(user, current.StartMs, current.LastMs + SessionGapMs, current.Cents));
                    current = next;
                }
            }
            sessions.Add(new Session(user, current.StartMs, current.LastMs + SessionGapMs, current.Cents));
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

/// <summary>
/// An id and a window start as one long: the window's index (start / 5 minutes) high, the id low. Hashed by
/// multiplying (Fibonacci hashing): long's own hash xors the halves, which puts the same ids of windows whose indexes
/// differ in a few low bits on the same hash codes, so every window of a run would share one set of buckets.
/// </summary>
internal readonly struct WindowKey(long packed) : IEquatable<WindowKey>
{
    public long Packed { get; } = packed;

    public int Id => (int)Packed;

    public long WindowStartMs => (Packed >> 32) * Aggregates.WindowMs;

    public static WindowKey Of(int id, long windowStartMs) => new(((windowStartMs / Aggregates.WindowMs) << 32) | (uint)id);

    public bool Equals(WindowKey other) => Packed == other.Packed;

    public override bool Equals(object? obj) => obj is WindowKey other && Equals(other);

    public override int GetHashCode() => (int)(((ulong)Packed * 0x9E3779B97F4A7C15UL) >> 32);

    public static bool operator ==(WindowKey left, WindowKey right) => left.Equals(right);

    public static bool operator !=(WindowKey left, WindowKey right) => !left.Equals(right);
}

/// <summary>A session being built: its first and last event's time and its amount in cents.</summary>
internal readonly record struct OpenSession(long StartMs, long LastMs, long Cents);

/// <summary>A closed session: its user, first event, end (last event + gap) and amount in cents.</summary>
internal readonly record struct Session(int User, long StartMs, long EndMs, long Cents);
