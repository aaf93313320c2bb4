using System.Runtime.CompilerServices;
using System.Text;
using Sluice.Columnar;
using Sluice.Operators;
using Sluice.State.Encoding;

namespace Sluice.Sources.Parsing;

/// <summary>
/// Strings of short ASCII values decoded lately, found by their UTF-8 bytes, shared by the process so a value that
/// recurs becomes a string once. Two tables: <see cref="Shared"/> serves every JSON column parser (a high-cardinality
/// column's dictionary starts afresh every batch, <see cref="StringVector.Reset"/>, and one partition rarely sees an id
/// twice, but the ids recur across partitions: W1's user ids come about five times in a window over all partitions);
/// <see cref="StoredKeys"/> serves the stateful operators that load a key from the store (a user's group of a new
/// window takes the string an earlier load made: a key group's keys are spread by the whole key's hash, window
/// included, so a user comes back to another key group in each window, and only a table shared by the key groups
/// finds it again).
/// </summary>
/// <remarks>
/// Two-way and lossy: the bytes' hash picks a pair of slots, either of which may hold the string; a new string goes to
/// the pair's first slot and moves the one there to the second (the pair's older string leaves). Threads race on slots
/// without locks (a reference is written and read whole, and a string read is checked against the bytes before use),
/// so a race only costs a miss, or a string held twice. Slots are chosen by xxHash64 of the bytes: ids that differ only
/// in digits inside an 8-byte block (<c>loaded-user-1234</c>) spread over every slot (an FNV over 8-byte blocks put them
/// in few). Bounded: as many strings as slots, of at most <see cref="MaxBytes"/> bytes. Direct-mapped (one slot per
/// string) it held 83% of W1's 100,000 user ids in <see cref="StoredKeys"/>; the pairs hold about 93%, so a key group
/// loading a new window's keys makes a string for about one in fifteen instead of one in six.
/// </remarks>
internal sealed class Utf8StringCache
{
    private const int MaxBytes = 48;

    private readonly string?[] _cache;

    /// <summary>
    /// The slots of <see cref="Shared"/> and of a cache made without a count: 2^17 (1 MB of slots; about 5 MB of
    /// ids of 10-20 bytes, 15 MB at most). A direct-mapped table holds about (1 - e^-r) / r of r times its slots in
    /// recurring ids: of W1's 100,000 user ids 31% in 2^15 slots (the other lookups made new strings) and 70% here;
    /// in pairs (two-way) 81% here.
    /// </summary>
    public const int DefaultSlots = 1 << 17;

    /// <param name="slots">A power of two, at least 2 (one pair): <see cref="DefaultSlots"/> unless told.</param>
    public Utf8StringCache(int slots = DefaultSlots)
    {
        if (slots < 2 || (slots & (slots - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slots), slots, "The string cache's slot count must be a power of two, at least 2.");
        }
        _cache = new string?[slots];
    }

    /// <summary>The process's cache, which every reader's parser uses.</summary>
    public static Utf8StringCache Shared { get; } = new();

    /// <summary>
    /// The process's table for stored keys' strings (2^18 slots: 2 MB, at most about 26 MB of strings; W1's 100,000
    /// user ids take about 4 MB).
    /// </summary>
    public static Utf8StringCache StoredKeys { get; } = new(1 << 18);

    /// <summary>The string of <paramref name="utf8"/> held here, or null.</summary>
    public string? Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxBytes || utf8.IsEmpty)
        {
            return null;
        }
        return Find(utf8, Pair(utf8));
    }

    /// <summary>The pair of slots that may hold <paramref name="utf8"/>'s string, for the prefetch steps; -1 when none may.</summary>
    public int PairOf(ReadOnlySpan<byte> utf8) => utf8.Length > MaxBytes || utf8.IsEmpty ? -1 : Pair(utf8);

    /// <summary>
    /// Brings into cache what <see cref="Find(ReadOnlySpan{byte})"/> of a string whose <see cref="PairOf"/> is <paramref name="pair"/> will
    /// read, in two steps each called a few strings before the next: <paramref name="step"/> 0 the pair's slots, 1 the
    /// strings they hold (a slot read in step 0, or missed: only a hint either way).
    /// </summary>
    public void Prefetch(int pair, int step)
    {
        if (pair < 0)
        {
            return;
        }
        if (step == 0)
        {
            CacheHint.Prefetch(ref _cache[pair]);
            return;
        }
        PrefetchChars(_cache[pair]);
        PrefetchChars(_cache[pair + 1]);
    }

    /// <summary>Holds <paramref name="value"/>, the string of <paramref name="utf8"/>, when it is short ASCII; returns it.</summary>
    public string Add(ReadOnlySpan<byte> utf8, string value)
    {
        // As many chars as bytes: every char is ASCII (any other takes two to four bytes for one or two chars).
        if (utf8.Length <= MaxBytes && !utf8.IsEmpty && value.Length == utf8.Length)
        {
            Hold(Pair(utf8), value);
        }
        return value;
    }

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
        var pair = Pair(utf8);
        var cached = Find(utf8, pair);
        usage.Count(cached is not null);
        if (cached is not null)
        {
            return dictionary.GetOrAdd(cached);
        }
        var code = dictionary.GetOrAddUtf8(utf8);
        if (Ascii.IsValid(utf8))
        {
            Hold(pair, dictionary[code]);
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

    /// <summary>The first slot of the pair that may hold <paramref name="utf8"/>'s string (an even slot).</summary>
    private int Pair(ReadOnlySpan<byte> utf8) => (int)(StableHash64.XxHash64(utf8) & (ulong)(_cache.Length - 2));

    private static void PrefetchChars(string? value)
    {
        if (value is not null)
        {
            CacheHint.Prefetch(ref Unsafe.AsRef(in value.GetPinnableReference()));
        }
    }

    private string? Find(ReadOnlySpan<byte> utf8, int pair)
    {
        var first = _cache[pair];
        if (first is not null && Ascii.Equals(utf8, first))
        {
            return first;
        }
        var second = _cache[pair + 1];
        return second is not null && Ascii.Equals(utf8, second) ? second : null;
    }

    private void Hold(int pair, string value)
    {
        _cache[pair + 1] = _cache[pair];
        _cache[pair] = value;
    }
}
