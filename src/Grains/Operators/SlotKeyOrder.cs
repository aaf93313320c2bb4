using System.Buffers.Binary;

namespace Sluice.Operators;

/// <summary>
/// Puts a closing window's held slots in their keys' byte order (the store scan's order, which append mode's rows keep),
/// the order <c>slots.Sort((a, b) =&gt; keyOf(a).SequenceCompareTo(keyOf(b)))</c> gives, without comparing two byte
/// arrays through a delegate for most pairs. The keys of one window share its bytes, and often more (q5's auction ids
/// share their high bytes), so each slot is sorted by the next 8 bytes after the prefix every key shares, read
/// big-endian (unsigned order is then byte order; a key ending within them is padded with zeros): a smaller number is a
/// smaller key, and only slots whose 8 bytes are equal are compared in full. One per key group, its arrays reused
/// from batch to batch.
/// </summary>
internal sealed class SlotKeyOrder
{
    private ulong[] _next = [];
    private int[] _slots = [];

    /// <summary>Sorts <paramref name="slots"/> in place by <paramref name="keyOf"/>'s bytes (ties keep no particular order: keys are distinct).</summary>
    public void Sort(List<int> slots, Func<int, byte[]> keyOf)
    {
        var count = slots.Count;
        if (count < 2)
        {
            return;
        }
        var first = keyOf(slots[0]);
        var shared = first.Length;
        for (var i = 1; i < count && shared > 0; i++)
        {
            shared = first.AsSpan(0, shared).CommonPrefixLength(keyOf(slots[i]));
        }
        if (_next.Length < count)
        {
            _next = new ulong[count];
            _slots = new int[count];
        }
        for (var i = 0; i < count; i++)
        {
            var slot = slots[i];
            _slots[i] = slot;
            _next[i] = NextBytes(keyOf(slot), shared);
        }
        Array.Sort(_next, _slots, 0, count);
        // Equal 8 bytes: those slots' keys in full (after the shared prefix, where they may still differ).
        IComparer<int>? inFull = null;
        for (var start = 0; start < count;)
        {
            var end = start + 1;
            while (end < count && _next[end] == _next[start])
            {
                end++;
            }
            if (end - start > 1)
            {
                var from = shared;
                inFull ??= Comparer<int>.Create((a, b) => keyOf(a).AsSpan(from).SequenceCompareTo(keyOf(b).AsSpan(from)));
                Array.Sort(_slots, start, end - start, inFull);
            }
            start = end;
        }
        for (var i = 0; i < count; i++)
        {
            slots[i] = _slots[i];
        }
    }

    /// <summary>The 8 bytes of <paramref name="key"/> from <paramref name="offset"/> as a big-endian number, zeros past its end.</summary>
    internal static ulong NextBytes(byte[] key, int offset)
    {
        var rest = key.AsSpan(offset);
        if (rest.Length >= sizeof(ulong))
        {
            return BinaryPrimitives.ReadUInt64BigEndian(rest);
        }
        Span<byte> padded = stackalloc byte[sizeof(ulong)];
        padded.Clear();
        rest.CopyTo(padded);
        return BinaryPrimitives.ReadUInt64BigEndian(padded);
    }
}
