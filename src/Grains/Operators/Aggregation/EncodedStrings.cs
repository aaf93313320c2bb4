using System.Buffers;
using Sluice.Columnar;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// The <see cref="RowCodec"/> bytes of a string key column's values, by dictionary code, encoded on first use and kept
/// while the column keeps its dictionary: a dictionary only appends, so a code's string (and bytes) never changes, and a
/// reader keeps one dictionary across its batches (the generator's id tables for good). A key group's keys then copy
/// each string's bytes instead of measuring and transcoding it to UTF-8 once per group per batch.
/// </summary>
internal sealed class EncodedStrings
{
    /// <summary>Bytes kept before starting over: a column of ever-new strings gets a new dictionary anyway, so this only bounds memory.</summary>
    private const int MaxBytes = 32 << 20;

    private readonly ArrayBufferWriter<byte> _bytes = new(4096);
    private StringDictionary? _dictionary;

    /// <summary>Per code, where its bytes start plus one (0: not encoded yet), and their length.</summary>
    private int[] _starts = [];
    private int[] _lengths = [];

    /// <summary>The bytes <see cref="RowCodec"/> writes for <paramref name="dictionary"/>'s string of <paramref name="code"/>.</summary>
    public ReadOnlySpan<byte> Of(StringDictionary dictionary, int code)
    {
        if (!ReferenceEquals(dictionary, _dictionary))
        {
            Restart(dictionary);
        }
        if ((uint)code >= (uint)_starts.Length)
        {
            Grow(Math.Max(code + 1, dictionary.Count));
        }
        var start = _starts[code];
        if (start == 0)
        {
            start = Add(dictionary, code);
        }
        return _bytes.WrittenSpan.Slice(start - 1, _lengths[code]);
    }

    private int Add(StringDictionary dictionary, int code)
    {
        if (_bytes.WrittenCount > MaxBytes)
        {
            Restart(dictionary);
            Grow(Math.Max(code + 1, dictionary.Count));
        }
        var start = _bytes.WrittenCount;
        RowCodec.WriteString(_bytes, dictionary[code]);
        _starts[code] = start + 1;
        _lengths[code] = _bytes.WrittenCount - start;
        return start + 1;
    }

    private void Restart(StringDictionary dictionary)
    {
        _dictionary = dictionary;
        _bytes.ResetWrittenCount();
        Array.Clear(_starts);
    }

    private void Grow(int codes)
    {
        var size = Math.Max(codes, Math.Min(_starts.Length * 2, StringVector.MaxDictionary + 1));
        Array.Resize(ref _starts, size);
        Array.Resize(ref _lengths, size);
    }
}
