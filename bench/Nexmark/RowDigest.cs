using System.Globalization;

namespace Sluice.Bench.Nexmark;

/// <summary>
/// An order-free fingerprint of a multiset of rows: the count and the wrapping sum of each row's 64-bit hash, so 10M
/// rows compare without being kept, and hashing costs the sink it runs in no allocation. Values hash by meaning:
/// integers as longs, timestamps as epoch ms, doubles rounded to 6 decimals (so a sum or avg computed in another order
/// still agrees). The first <see cref="Kept"/> rows are also copied, to show which rows differ.
/// </summary>
internal sealed class RowDigest
{
    public const int Kept = 200_000;

    private readonly List<object?[]> _kept = [];
    private readonly Lock _lock = new();

    public long Count { get; private set; }

    public ulong Sum { get; private set; }

    public void Add(object?[] row)
    {
        var hash = Hash(row);
        lock (_lock)
        {
            Count++;
            Sum += hash;
            if (Count <= Kept)
            {
                _kept.Add((object?[])row.Clone());
            }
        }
    }

    /// <summary>Null when both hold the same rows; else what differs, with a few rows of each side when both were kept.</summary>
    public static string? Compare(RowDigest engine, RowDigest reference)
    {
        if (engine.Count == reference.Count && engine.Sum == reference.Sum)
        {
            return null;
        }
        var text = $"{engine.Count:N0} rows, the reference {reference.Count:N0}";
        if (engine.Count > Kept || reference.Count > Kept)
        {
            return text + (engine.Count == reference.Count ? " (same count, different rows)" : "");
        }
        var mine = engine._kept.Select(Canonical).CountBy(r => r).ToDictionary();
        var theirs = reference._kept.Select(Canonical).CountBy(r => r).ToDictionary();
        var missing = theirs.Where(kv => mine.GetValueOrDefault(kv.Key) < kv.Value).Select(kv => kv.Key).Take(3);
        var extra = mine.Where(kv => theirs.GetValueOrDefault(kv.Key) < kv.Value).Select(kv => kv.Key).Take(3);
        return $"{text}; missing e.g. [{string.Join("; ", missing)}], unexpected e.g. [{string.Join("; ", extra)}]";
    }

    /// <summary>The row as text, values in the form they are hashed in (for messages and tests).</summary>
    public static string Canonical(object?[] row) => string.Join('|', row.Select(v => Normal(v) switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString() ?? "",
    }));

    /// <summary>Integers as long, timestamps as epoch ms, fractions as doubles to 6 decimals; strings and nulls as they are.</summary>
    private static object? Normal(object? value) => value switch
    {
        int i => (long)i,
        DateTime t => (long)(t - DateTime.UnixEpoch).TotalMilliseconds,
        DateTimeOffset t => t.ToUnixTimeMilliseconds(),
        double d => Math.Round(d, 6) + 0.0,
        float f => Math.Round((double)f, 6) + 0.0,
        decimal m => Math.Round((double)m, 6) + 0.0,
        _ => value,
    };

    private static ulong Hash(object?[] row)
    {
        var h = 14695981039346656037UL;
        foreach (var value in row)
        {
            h = (h ^ Hash(Normal(value))) * 1099511628211UL;
        }
        return Mix(h);
    }

    private static ulong Hash(object? value)
    {
        switch (value)
        {
            case null:
                return 0x9E3779B97F4A7C15UL;
            case long l:
                return Mix((ulong)l);
            case double d:
                return Mix((ulong)BitConverter.DoubleToInt64Bits(d) ^ 0x5555_5555_5555_5555UL);
            case string s:
                var h = 1469598103934665603UL;
                foreach (var c in s)
                {
                    h = (h ^ c) * 1099511628211UL;
                }
                return Mix(h);
            default:
                return Mix((ulong)Canonical([value]).GetHashCode(StringComparison.Ordinal));
        }
    }

    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
