using System.Text;
using Sluice.Columnar;

namespace Sluice.Sources.Parsing;

/// <summary>
/// Strings of short ASCII values parsed lately, found by their UTF-8 bytes; <see cref="Shared"/> serves every JSON
/// column parser in the process, so an id that recurs becomes a string once rather than once per reader and batch: a high-cardinality
/// column's dictionary starts afresh every batch (<see cref="StringVector.Reset"/>) and one partition rarely sees an
/// id twice, but the ids recur across partitions (W1's user ids: a partition's slice of a batch is nearly all new ids,
/// while over all partitions each active user comes about five times in a window).
/// </summary>
/// <remarks>
/// Direct-mapped and lossy: a slot holds the last string hashed to it, and threads race on slots without locks (a
/// reference is written and read whole, and a string read is checked against the bytes before use), so a race only
/// costs a miss. Bounded: <see cref="Slots"/> strings of at most <see cref="MaxBytes"/> bytes (4 MB at most, about 1.5 MB of short ids).
/// </remarks>
internal sealed class Utf8StringCache
{
    private const int Slots = 1 << 15;
    private const int MaxBytes = 48;

    private readonly string?[] _cache = new string?[Slots];

    /// <summary>The process's cache, which every reader's parser uses.</summary>
    public static Utf8StringCache Shared { get; } = new();

    /// <summary>
    /// The code of the valid UTF-8 <paramref name="utf8"/> in <paramref name="dictionary"/>, added when new; as
    /// <see cref="StringDictionary.GetOrAddUtf8"/>. <paramref name="usage"/> is the column's own record of how the
    /// cache serves it: a column whose values never recur (an event id) stops using it for a while, so it neither
    /// pays for the lookups nor evicts the ids that do recur.
    /// </summary>
    public int GetOrAdd(StringDictionary dictionary, ReadOnlySpan<byte> utf8, ref Usage usage)
    {
        if (utf8.Length > MaxBytes || utf8.IsEmpty || usage.Skip > 0)
        {
            usage.Skip = Math.Max(usage.Skip - 1, 0);
            return dictionary.GetOrAddUtf8(utf8);
        }
        var slot = (int)(Hash(utf8) & (Slots - 1));
        var cached = _cache[slot];
        var hit = cached is not null && Ascii.Equals(utf8, cached);
        usage.Count(hit);
        if (hit)
        {
            return dictionary.GetOrAdd(cached!);
        }
        var code = dictionary.GetOrAddUtf8(utf8);
        if (Ascii.IsValid(utf8))
        {
            _cache[slot] = dictionary[code];
        }
        return code;
    }

    /// <summary>How the cache has served one column lately.</summary>
    internal struct Usage
    {
        /// <summary>Lookups judged at once; under one hit in <see cref="MinHitShare"/> the column skips the cache.</summary>
        public const int Window = 4096;
        public const int MinHitShare = 16;

        /// <summary>Values to read without the cache (a column judged not to recur), 16 windows.</summary>
        public const int SkipFor = 16 * Window;

        private int _lookups;
        private int _hits;

        public int Skip { get; set; }

        public void Count(bool hit)
        {
            _hits += hit ? 1 : 0;
            if (++_lookups == Window)
            {
                Skip = _hits < Window / MinHitShare ? SkipFor : 0;
                _lookups = 0;
                _hits = 0;
            }
        }
    }

    /// <summary>FNV-1a over 8 bytes at a time, mixed at the end; short ids differ in their last bytes.</summary>
    private static ulong Hash(ReadOnlySpan<byte> utf8)
    {
        var h = 14695981039346656037UL;
        var i = 0;
        for (; i + 8 <= utf8.Length; i += 8)
        {
            h = (h ^ BitConverter.ToUInt64(utf8[i..])) * 1099511628211UL;
        }
        for (; i < utf8.Length; i++)
        {
            h = (h ^ utf8[i]) * 1099511628211UL;
        }
        return h ^ (h >> 29) ^ (h >> 41);
    }
}
