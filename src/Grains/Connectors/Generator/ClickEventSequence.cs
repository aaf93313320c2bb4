namespace Sluice.Connectors.Generator;

/// <summary>
/// A deterministic sequence of click events, one per index, shared by the <c>generator</c> source and the benchmark
/// (which writes the same events to Kafka as JSON). Event <c>i</c> happens at <see cref="Start"/> + i x
/// <see cref="StepMs"/> ms, a little out of order (up to <see cref="MaxJitterMs"/> earlier). Users come in cohorts:
/// in each 5-minute slot only <see cref="CohortSize"/> users are active, and a user is active again 40 minutes
/// later, so a user's sessions (10-minute gap) do not depend on how the events are cut into batches as long as a batch
/// spans less than about 12 minutes of event time (about 147k events): a flatMapGroupsWithState session times out
/// only in a batch without the user's data, once the previous batches' watermark passes it, so longer batches can
/// bring a user's next events (40 minutes on) before the old session closed, and that session continues.
/// </summary>
public static class ClickEventSequence
{
    public const int Users = 100_000;
    public const int Products = 10_000;
    public const long StepMs = 5;
    public const long MaxJitterMs = 2_000;
    public const long SlotMs = 5 * 60 * 1000;
    public const int CohortSize = 12_500;

    /// <summary>The first event's time: 2026-01-01T00:00:00Z.</summary>
    public static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static readonly long StartMs = (long)(Start - DateTime.UnixEpoch).TotalMilliseconds;

    /// <summary>View-heavy, as on a shop: 3 views, 2 clicks, 1 add-to-cart, 1 purchase in 7.</summary>
    public static readonly IReadOnlyList<string> Types = ["view", "view", "view", "click", "click", "add_to_cart", "purchase"];

    /// <summary>The fields of event <paramref name="index"/>; amount is in cents (0 unless a purchase).</summary>
    public static ClickEvent At(long index)
    {
        var h = Mix((ulong)index);
        var timeMs = StartMs + (index * StepMs) - (long)(h % (ulong)MaxJitterMs);
        var slot = (timeMs - StartMs + MaxJitterMs) / SlotMs;
        var cohort = (int)(slot % (Users / CohortSize));
        var user = (cohort * CohortSize) + (int)((h >> 16) % CohortSize);
        var product = (int)((h >> 32) % Products);
        var type = (int)((h >> 48) % 7);
        var cents = type == 6 ? 100 + (long)((h >> 8) % 19_900) : 0;
        return new ClickEvent(index, user, product, type, cents, timeMs);
    }

    /// <summary>SplitMix64's finalizer: a well-mixed 64-bit hash of the index.</summary>
    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}

/// <summary>One click event of <see cref="ClickEventSequence"/>: ids as numbers, amount in cents, time in epoch ms.</summary>
public readonly record struct ClickEvent(long Id, int User, int Product, int Type, long AmountCents, long TimeMs)
{
    public double Amount => AmountCents / 100.0;

    public bool IsPurchase => Type == 6;
}
