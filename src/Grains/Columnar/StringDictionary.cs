using System.Buffers;
using System.Text;

namespace Sluice.Columnar;

/// <summary>
/// The distinct strings of a string column, each with a code (its index). A reader keeps one dictionary per column
/// across batches, so a value seen before is looked up, from chars or from UTF-8 bytes, without making a string.
/// </summary>
internal sealed class StringDictionary
{
    // Not IndexOfAnyInRange: its generic code boxes (96 B per call, so per new value) until the JIT tiers it up.
    private static readonly SearchValues<char> Surrogates = SearchValues.Create([.. Enumerable.Range(0xD800, 0x800).Select(c => (char)c)]);

    private readonly Dictionary<string, int> _codes;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _byChars;
    private readonly List<string> _values;

    public StringDictionary()
        : this(0)
    {
    }

    /// <param name="capacity">Distinct values expected: a dictionary sized for them does not grow (and reallocate) while they arrive.</param>
    public StringDictionary(int capacity)
    {
        _codes = new Dictionary<string, int>(capacity, StringComparer.Ordinal);
        _values = new List<string>(capacity);
        _byChars = _codes.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>A dictionary whose codes are the indexes of <paramref name="values"/> (distinct), as a generator's id tables.</summary>
    public StringDictionary(IReadOnlyList<string> values)
        : this()
    {
        foreach (var value in values)
        {
            GetOrAdd(value);
        }
    }

    /// <summary>
    /// Whether some value has a surrogate without its pair: such strings encode alike in state keys, so a consumer that
    /// groups by code (distinct codes, one key) checks values only when this is set.
    /// </summary>
    public bool AnyLoneSurrogate { get; private set; }

    /// <summary>
    /// How many times <see cref="Clear"/> emptied the dictionary: a cache of codes kept by the dictionary's identity
    /// (<see cref="Operators.Aggregation.EncodedStrings"/>, <see cref="Kernels.CodeCache{T}"/>) holds codes of one generation.
    /// </summary>
    public int Generation { get; private set; }

    /// <summary>
    /// Forgets every string (codes start at 0 again) but keeps the memory: a reader's id column, whose values do not
    /// recur, fills it again the next batch without allocating a dictionary. Only for a dictionary nothing else holds
    /// codes of beyond the current batch, except caches that check <see cref="Generation"/>.
    /// </summary>
    public void Clear()
    {
        _codes.Clear();
        _values.Clear();
        AnyLoneSurrogate = false;
        Generation++;
    }

    /// <summary>Distinct strings so far.</summary>
    public int Count => _values.Count;

    /// <summary>The string of <paramref name="code"/>.</summary>
    public string this[int code] => _values[code];

    /// <summary>The code of <paramref name="value"/> if the dictionary holds it (an equality test against a constant compares codes).</summary>
    public bool TryGetCode(string value, out int code) => _codes.TryGetValue(value, out code);

    public int GetOrAdd(string value)
    {
        if (!_codes.TryGetValue(value, out var code))
        {
            _codes[value] = code = _values.Count;
            _values.Add(value);
            AnyLoneSurrogate |= HasLoneSurrogate(value);
        }
        return code;
    }

    public int GetOrAdd(ReadOnlySpan<char> value)
    {
        if (!_byChars.TryGetValue(value, out var code))
        {
            var text = value.ToString();
            _codes[text] = code = _values.Count;
            _values.Add(text);
            AnyLoneSurrogate |= HasLoneSurrogate(text);
        }
        return code;
    }

    /// <summary>Looks a UTF-8 value up (decoding to chars on the stack for short values), adding it when new.</summary>
    public int GetOrAddUtf8(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length <= 256)
        {
            Span<char> chars = stackalloc char[utf8.Length];
            var length = Encoding.UTF8.GetChars(utf8, chars);
            return GetOrAdd(chars[..length]);
        }
        return GetOrAdd(Encoding.UTF8.GetString(utf8));
    }

    /// <summary>Whether a string has a surrogate without its pair, which <see cref="State.Encoding.RowCodec"/> writes as U+FFFD.</summary>
    public static bool HasLoneSurrogate(string value)
    {
        var span = value.AsSpan();
        var at = span.IndexOfAny(Surrogates);
        if (at < 0)
        {
            return false;
        }
        for (var i = at; i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(span[i]))
            {
                return true;
            }
        }
        return false;
    }
}
