using System.Buffers;
using System.Runtime.CompilerServices;
using Sluice.Columnar;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// The <see cref="RowCodec"/> bytes of a string key column's values, by dictionary code, encoded on first use and kept
/// while the column keeps its dictionary: a dictionary only appends, so a code's string (and bytes) never changes, and a
/// reader keeps one dictionary across its batches (the generator's id tables for good). A key then copies each string's
/// bytes instead of measuring and transcoding it to UTF-8 once per group per batch.
/// </summary>
/// <remarks>
/// Groups come in random code order, so the cost of a hit is its cache misses: each code has a 16-byte slot holding
/// its length and bytes together (one miss, where the string itself costs two: the list's item, then the string).
/// Values longer than a slot, and codes past <see cref="MaxCodes"/> (which bounds the slots at 4 MiB a column), are
/// encoded on each use, as before.
/// </remarks>
internal sealed class EncodedStrings
{
    private const int SlotShift = 4;
    private const int MaxInSlot = (1 << SlotShift) - 1;
    internal const int MaxCodes = 1 << 18;

    private readonly ArrayBufferWriter<byte> _uncached = new(64);
    private StringDictionary? _dictionary;

    /// <summary>Per code, a slot: its byte count (0: not encoded yet, or too long) then its bytes.</summary>
    private byte[] _slots = [];

    /// <summary>The bytes <see cref="RowCodec"/> writes for <paramref name="dictionary"/>'s string of <paramref name="code"/>; valid until the next call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Of(StringDictionary dictionary, int code)
    {
        var at = (long)code << SlotShift;
        if (ReferenceEquals(dictionary, _dictionary) && (ulong)at < (ulong)_slots.Length && _slots[at] is var length and not 0)
        {
            return _slots.AsSpan((int)at + 1, length);
        }
        return Encode(dictionary, code);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ReadOnlySpan<byte> Encode(StringDictionary dictionary, int code)
    {
        if (!ReferenceEquals(dictionary, _dictionary))
        {
            _dictionary = dictionary;
            Array.Clear(_slots);
        }
        _uncached.ResetWrittenCount();
        RowCodec.WriteString(_uncached, dictionary[code]);
        var bytes = _uncached.WrittenSpan;
        if (bytes.Length > MaxInSlot || (uint)code >= MaxCodes)
        {
            return bytes;
        }
        var at = code << SlotShift;
        if (at >= _slots.Length)
        {
            var codes = Math.Min(MaxCodes, Math.Max(code + 1, Math.Max(dictionary.Count, (_slots.Length >> SlotShift) * 2)));
            Array.Resize(ref _slots, codes << SlotShift);
        }
        _slots[at] = (byte)bytes.Length;
        bytes.CopyTo(_slots.AsSpan(at + 1));
        return bytes;
    }
}
