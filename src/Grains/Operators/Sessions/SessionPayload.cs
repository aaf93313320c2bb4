using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Sluice.Operators.Sessions;

/// <summary>
/// The rows one agent sends one key group for the built-in sessionizer, as one binary payload instead of a keyed row
/// each (carried as <see cref="Contracts.WindowApplyRequest.Partials"/>, which the window grain hands to the
/// operator's batch as it is). Per row, in input order: the key's slot hash (int32, <see cref="SlotIndex.HashOf"/> of
/// the routing hash the agent computed to pick the key group, so the window grain does not hash the key again), the
/// encoded key (varint length and the <c>RowCodec</c> bytes the row path keys it by), the event time's ticks, the
/// amount, and the event id (int32 UTF-16 length, -1 for none, then its chars, so every string round-trips exactly).
/// Only the agent and the window grain of one run read it; it is never stored. It starts with <see cref="Header"/>
/// (its layout's version), so a window grain of this build refuses rows an agent of another build wrote, naming the fix,
/// instead of misreading them (a cluster whose silos mix builds is upgraded by stopping and starting it).
/// </summary>
internal static class SessionPayload
{
    /// <summary>"SES" and the layout's version (2: rows carry their key's slot hash).</summary>
    private const uint Header = 0x02_53_45_53;

    /// <summary>Starts a payload: its header.</summary>
    public static void Begin(ArrayBufferWriter<byte> writer)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(writer.GetSpan(4), Header);
        writer.Advance(4);
    }

    /// <summary>The offset of the payload's first row, after its header; another build's payload is refused.</summary>
    public static int FirstRow(ReadOnlySpan<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return 0;
        }
        if (payload.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(payload) != Header)
        {
            throw new InvalidOperationException(
                "session events of an unknown layout reached this key group: an agent on a silo of another Sluice build sent them. " +
                "Silos of different builds cannot run one query's batches together: upgrade the cluster by stopping and starting it " +
                "(queries resume from their checkpoints).");
        }
        return 4;
    }

    public static void Write(ArrayBufferWriter<byte> writer, int hash, ReadOnlySpan<byte> key, in SessionEvent e)
    {
        var idChars = e.EventId?.Length ?? 0;
        var span = writer.GetSpan(4 + 5 + key.Length + 20 + (idChars * 2));
        BinaryPrimitives.WriteInt32LittleEndian(span, hash);
        var at = 4 + WriteVarint(span[4..], (uint)key.Length);
        key.CopyTo(span[at..]);
        at += key.Length;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], e.Ticks);
        BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 8)..], e.Amount);
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 16)..], e.EventId is null ? -1 : idChars);
        at += 20;
        if (e.EventId is { } id)
        {
            MemoryMarshal.AsBytes(id.AsSpan()).CopyTo(span[at..]);
            at += idChars * 2;
        }
        writer.Advance(at);
    }

    /// <summary>
    /// Reads the row at <paramref name="offset"/>, moving it past the row: its key's slot hash, where its key lies in
    /// the payload, and the row (its id a slice of the payload, so no string is made).
    /// </summary>
    public static PayloadEvent Read(ReadOnlySpan<byte> payload, ref int offset, out int hash, out (int Start, int Length) key)
    {
        var span = payload[offset..];
        hash = BinaryPrimitives.ReadInt32LittleEndian(span);
        var at = 4 + ReadVarint(span[4..], out var keyLength);
        key = (offset + at, (int)keyLength);
        at += (int)keyLength;
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(span[at..]);
        var amount = BinaryPrimitives.ReadDoubleLittleEndian(span[(at + 8)..]);
        var idChars = BinaryPrimitives.ReadInt32LittleEndian(span[(at + 16)..]);
        at += 20;
        var id = idChars > 0 ? MemoryMarshal.Cast<byte, char>(span.Slice(at, idChars * 2)) : default;
        at += Math.Max(idChars, 0) * 2;
        offset += at;
        return new PayloadEvent(ticks, amount, id, idChars >= 0);
    }

    private static int WriteVarint(Span<byte> span, uint value)
    {
        var at = 0;
        while (value >= 0x80)
        {
            span[at++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[at++] = (byte)value;
        return at;
    }

    private static int ReadVarint(ReadOnlySpan<byte> span, out uint value)
    {
        value = 0;
        for (var at = 0; ; at++)
        {
            var b = span[at];
            value |= (uint)(b & 0x7F) << (7 * at);
            if (b < 0x80)
            {
                return at + 1;
            }
        }
    }
}
