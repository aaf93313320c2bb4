using System.Text;
using Sluice.Sources.Parsing;

namespace Sluice.State.Encoding;

/// <summary>
/// The strings of stored keys' short ASCII values decoded lately, found by their UTF-8 bytes, shared by every key group
/// of the process: a stateful operator that loads a key from the store (a user's group of a new window) takes the
/// string an earlier load made for the same bytes instead of a new one. A key group's keys are spread by the whole key's
/// hash, window included, so a user comes back to another key group in each window: only a table shared by the key
/// groups finds it again.
/// </summary>
/// <remarks>
/// Direct-mapped and lossy, as <see cref="Utf8StringCache"/>: a slot holds the last string hashed to it, and threads race
/// on slots without locks (a reference is written and read whole, and a string is checked against the bytes before it
/// is used), so a race only costs a miss. Bounded: <see cref="Slots"/> strings of at most <see cref="MaxBytes"/> bytes
/// (2 MB of slots, at most about 26 MB of strings; W1's 100,000 user ids take about 4 MB, and 17% of them miss).
/// </remarks>
internal sealed class KeyStrings
{
    private const int Slots = 1 << 18;
    private const int MaxBytes = 48;

    private readonly string?[] _cache = new string?[Slots];

    /// <summary>The process's table.</summary>
    public static KeyStrings Shared { get; } = new();

    /// <summary>The string of <paramref name="utf8"/> held here, or null.</summary>
    public string? Find(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxBytes || utf8.IsEmpty)
        {
            return null;
        }
        var cached = _cache[Slot(utf8)];
        return cached is not null && Ascii.Equals(utf8, cached) ? cached : null;
    }

    /// <summary>Holds <paramref name="value"/>, the string of <paramref name="utf8"/>, when it is short ASCII; returns it.</summary>
    public string Add(ReadOnlySpan<byte> utf8, string value)
    {
        // As many chars as bytes: every char is ASCII (any other takes two to four bytes for one or two chars).
        if (utf8.Length <= MaxBytes && !utf8.IsEmpty && value.Length == utf8.Length)
        {
            _cache[Slot(utf8)] = value;
        }
        return value;
    }

    // xxHash64: ids that differ only in digits inside an 8-byte block (user-1234) spread over every slot.
    private static int Slot(ReadOnlySpan<byte> utf8) => (int)(StableHash64.XxHash64(utf8) & (Slots - 1));
}
