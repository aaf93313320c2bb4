using System.Globalization;

namespace Sluice.Bench.Nexmark;

/// <summary>
/// An order-free fingerprint of a multiset of rows: the count and the wrapping sum of each row's 64-bit hash, so 10M
/// rows compare without being kept. Rows are compared in a canonical text form (timestamps as epoch ms, doubles to
/// 6 decimals, so a sum or avg computed in another order still agrees). Up to <see cref="Kept"/> rows are also kept, to
/// show which rows differ.
/// </summary>
internal sealed class RowDigest
{
    public const int Kept = 200_000;

    private readonly Dictionary<string, int> _rows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public long Count { get; private set; }

    public ulong Sum { get; private set; }

    public void Add(object?[] row)
    {
        var text = Canonical(row);
        lock (_lock)
        {
            Count++;
            Sum += Hash(text);
            if (Count <= Kept)
            {
                _rows[text] = _rows.GetValueOrDefault(text) + 1;
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
        var missing = reference._rows.Where(kv => engine._rows.GetValueOrDefault(kv.Key) < kv.Value).Select(kv => kv.Key).Take(3);
        var extra = engine._rows.Where(kv => reference._rows.GetValueOrDefault(kv.Key) < kv.Value).Select(kv => kv.Key).Take(3);
        return $"{text}; missing e.g. [{string.Join("; ", missing)}], unexpected e.g. [{string.Join("; ", extra)}]";
    }

    public static string Canonical(object?[] row) => string.Join('|', row.Select(Value));

    private static string Value(object? value) => value switch
    {
        null => "null",
        DateTime t => ((long)(t - DateTime.UnixEpoch).TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        double d => Math.Round(d, 6).ToString("R", CultureInfo.InvariantCulture),
        float f => Math.Round((double)f, 6).ToString("R", CultureInfo.InvariantCulture),
        decimal m => Math.Round((double)m, 6).ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>FNV-1a over the UTF-16 code units, then a SplitMix finalizer so sums of similar rows do not cancel.</summary>
    private static ulong Hash(string text)
    {
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }
}
