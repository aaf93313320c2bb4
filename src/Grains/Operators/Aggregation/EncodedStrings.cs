using System.Buffers;
using System.Runtime.CompilerServices;
using Sluice.Columnar;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// The <see cref="RowCodec"/> bytes of a <see cref="StringDictionary"/>'s strings, by code, encoded on first use and
/// kept as long as the dictionary lives: a dictionary only appends, so a code's string (and bytes) never changes, and
/// a reader keeps one across its batches (the generator's id tables are shared by every agent for good). An agent's
/// keys then copy a string's bytes instead of measuring and transcoding it to UTF-8 once per group per batch.
/// </summary>
/// <remarks>
/// One cache per dictionary (not per agent), so a shared dictionary is encoded once per process: 64 agents over the
/// generator's 100k users would otherwise hold (and allocate per run) 64 copies. Groups come in random code order, so
/// a hit costs its cache misses: each code has a 16-byte slot holding its length and bytes together (one miss, where
/// the string itself costs two). Values longer than a slot, and codes past <see cref="MaxCodes"/> (which bounds the
/// slots at 4 MiB a dictionary), are encoded on each use, as before. Agents read slots without a lock: a slot's length
/// is written after its bytes, and a grown array is published after the copy; only filling a slot takes the lock.
/// </remarks>
internal sealed class EncodedStrings
{
    internal const int MaxCodes = 1 << 18;
    private const int SlotShift = 4;
    private const int MaxInSlot = (1 << SlotShift) - 1;

    private static readonly ConditionalWeakTable<StringDictionary, EncodedStrings> ByDictionary = [];

    private readonly StringDictionary _dictionary;
    private readonly Lock _fill = new();

    /// <summary>Per code, a slot: its byte count (0: not encoded yet, or too long) then its bytes.</summary>
    private byte[] _slots = [];

    /// <summary>The dictionary's generation the slots hold codes of.</summary>
    private int _generation;

    private EncodedStrings(StringDictionary dictionary) => (_dictionary, _generation) = (dictionary, dictionary.Generation);

    /// <summary>
    /// The cache of <paramref name="dictionary"/>'s strings (one lookup per batch and column, not per value). A
    /// dictionary emptied since (<see cref="StringDictionary.Clear"/>: a reader's id column, used by its own agent
    /// alone) gets its slots emptied too, keeping their array for the next batch's codes.
    /// </summary>
    public static EncodedStrings For(StringDictionary dictionary)
    {
        var strings = ByDictionary.GetValue(dictionary, static d => new EncodedStrings(d));
        if (strings._generation != dictionary.Generation)
        {
            lock (strings._fill)
            {
                Array.Clear(strings._slots);
                strings._generation = dictionary.Generation;
            }
        }
        return strings;
    }

    /// <summary>The bytes of the string of <paramref name="code"/>; valid until <paramref name="scratch"/> (the caller's own) is written again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Of(int code, ArrayBufferWriter<byte> scratch)
    {
        var slots = Volatile.Read(ref _slots);
        var at = (long)code << SlotShift;
        if ((ulong)at < (ulong)slots.Length && Volatile.Read(ref slots[at]) is var length and not 0)
        {
            return slots.AsSpan((int)at + 1, length);
        }
        return Encode(code, scratch);
    }

    /// <summary>Brings the slot of <paramref name="code"/> into cache, for an <see cref="Of"/> a few keys later.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int code)
    {
        var slots = Volatile.Read(ref _slots);
        var at = (long)code << SlotShift;
        if ((ulong)at < (ulong)slots.Length)
        {
            CacheHint.Prefetch(ref slots[at]);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ReadOnlySpan<byte> Encode(int code, ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        RowCodec.WriteString(scratch, _dictionary[code]);
        var bytes = scratch.WrittenSpan;
        if (bytes.Length <= MaxInSlot && (uint)code < MaxCodes)
        {
            Keep(code, bytes);
        }
        return bytes;
    }

    private void Keep(int code, ReadOnlySpan<byte> bytes)
    {
        var at = code << SlotShift;
        lock (_fill)
        {
            var slots = _slots;
            if (at >= slots.Length)
            {
                // As many codes as the dictionary has now (a reader's fresh dictionary of a batch's ids is complete
                // before its keys are encoded: one array, where doubling from a small one allocated about three times
                // its size per batch), or twice the slots of a dictionary that keeps growing.
                var codes = Math.Min(MaxCodes, Math.Max(code + 1, Math.Max(_dictionary.Count, (slots.Length >> SlotShift) * 2)));
                var grown = new byte[codes << SlotShift];
                slots.CopyTo(grown, 0);
                slots = grown;
            }
            bytes.CopyTo(slots.AsSpan(at + 1));
            Volatile.Write(ref slots[at], (byte)bytes.Length);
            Volatile.Write(ref _slots, slots);
        }
    }
}
