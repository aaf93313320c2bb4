using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// One agent's partial aggregates for one key group in one batch, as one byte payload
/// (<c>WindowApplyRequest.Partials</c>) instead of a <c>KeyedRecord</c> with a boxed buffer per group. Layout:
/// <code>
/// byte   version (2)
/// int32  groups, int32 aggregates, int32 key bytes       (little-endian)
/// hashes per group: int32, its key's slot hash (SlotIndex.Hash: the high half of RowCodec.KeyHashOf), in key order
/// keys   per group: LEB128 length, then the key exactly as RowCodec encodes the row path's key values
/// lanes  per aggregate, in order: its TypedAccumulator's lanes for every group, in key order
/// </code>
/// Keys travel as the store's encoded key, so the window grain merges into the state the row path writes, byte for
/// byte; the accumulators' lanes are typed arrays. Each key's hash is half of the one the agent computed to route it,
/// so the key group finds its slot without hashing the key's bytes again (and prefetches its bucket ahead). Version 1
/// payloads (no hashes, from a silo of the previous version) are still read: their keys are hashed on reading.
/// <para>
/// The reading half (one instance per key group's batch) loads the lanes into typed accumulators, which a key group's
/// typed hot state merges from directly; for the object path it hands out each group's buffer as the agent's
/// <see cref="TypedAccumulator.Write"/> would have made it.
/// </para>
/// </summary>
internal sealed class PartialAggregates
{
    private const byte Version = 2;

    /// <summary>The version before keys carried their hashes: read, never written.</summary>
    private const byte UnhashedVersion = 1;

    private const int HeaderBytes = 13;

    private readonly AggregateSet _aggregates;
    private readonly TypedAccumulator[] _accumulators;
    private readonly object?[] _scratch;
    private byte[] _data = [];
    private int _position;
    private int _keysEnd;
    private int[] _hashes = [];
    private int _groups;

    public PartialAggregates(AggregateSet aggregates)
    {
        _aggregates = aggregates;
        _accumulators = [.. aggregates.Aggregates.Select(a => TypedAccumulator.TryCreate(a)
            ?? throw new InvalidOperationException($"the aggregate {a.Name} has no typed accumulator, so agents never send it as partial aggregates"))];
        _scratch = aggregates.NewBuffer();
    }

    /// <summary>
    /// The payload of <paramref name="groups"/> (accumulator group numbers) whose encoded keys, each
    /// LEB128-length-prefixed, are <paramref name="keys"/> and whose keys' <see cref="SlotIndex.Hash"/> are
    /// <paramref name="hashes"/>, written into <paramref name="buffer"/> (replaced by a larger one when too small, so an
    /// agent's buffer per destination settles at its largest payload): the payload is the returned slice of it. A new
    /// buffer has a quarter more room than the payload: a destination's payloads vary by a few percent from batch to
    /// batch, and sized exactly, the first was replaced in the next batch or two (a new run's 512 buffers on W1, twice).
    /// </summary>
    public static ReadOnlyMemory<byte> WriteInto(
        ref byte[] buffer, ReadOnlySpan<int> hashes, ReadOnlySpan<byte> keys, ReadOnlySpan<int> groups, TypedAccumulator[] accumulators)
    {
        if (hashes.Length != groups.Length)
        {
            throw new ArgumentException($"{hashes.Length} key hashes for {groups.Length} groups", nameof(hashes));
        }
        var size = SizeOf(keys, groups, accumulators);
        if (buffer.Length < size)
        {
            buffer = new byte[Math.Max(size + (size / 4), buffer.Length + (buffer.Length / 4))];
        }
        WriteTo(buffer.AsSpan(0, size), hashes, keys, groups, accumulators);
        return buffer.AsMemory(0, size);
    }

    private static int SizeOf(ReadOnlySpan<byte> keys, ReadOnlySpan<int> groups, TypedAccumulator[] accumulators)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("partial aggregates are written in little-endian byte order");
        }
        var size = HeaderBytes + (groups.Length * sizeof(int)) + keys.Length;
        foreach (var accumulator in accumulators)
        {
            size += accumulator.LaneBytes(groups.Length);
        }
        return size;
    }

    private static void WriteTo(Span<byte> data, ReadOnlySpan<int> hashes, ReadOnlySpan<byte> keys, ReadOnlySpan<int> groups, TypedAccumulator[] accumulators)
    {
        data[0] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(data[1..], groups.Length);
        BinaryPrimitives.WriteInt32LittleEndian(data[5..], accumulators.Length);
        BinaryPrimitives.WriteInt32LittleEndian(data[9..], keys.Length);
        // Little-endian (SizeOf checked), so the hashes go as their bytes.
        MemoryMarshal.AsBytes(hashes).CopyTo(data[HeaderBytes..]);
        var at = HeaderBytes + (hashes.Length * sizeof(int));
        keys.CopyTo(data[at..]);
        at += keys.Length;
        foreach (var accumulator in accumulators)
        {
            var bytes = accumulator.LaneBytes(groups.Length);
            accumulator.WriteLanes(groups, data.Slice(at, bytes));
            at += bytes;
        }
    }

    /// <summary>Starts reading <paramref name="data"/>: loads its lanes; returns its group count.</summary>
    /// <exception cref="FormatException">Not a payload of this aggregate set.</exception>
    public int Open(ReadOnlyMemory<byte> payload)
    {
        // A whole array, or a slice of an agent's pooled buffer on this silo: read in place either way.
        var (array, offset) = MemoryMarshal.TryGetArray(payload, out var segment) ? (segment.Array!, segment.Offset) : (payload.ToArray(), 0);
        var data = array.AsSpan(offset, payload.Length);
        if (data.Length < HeaderBytes || data[0] is not (Version or UnhashedVersion))
        {
            throw new FormatException($"partial aggregates of an unknown version ({(data.Length == 0 ? "empty" : data[0])}); expected {Version}");
        }
        var hashed = data[0] == Version;
        var groups = BinaryPrimitives.ReadInt32LittleEndian(data[1..]);
        var aggregates = BinaryPrimitives.ReadInt32LittleEndian(data[5..]);
        var keyBytes = BinaryPrimitives.ReadInt32LittleEndian(data[9..]);
        var hashBytes = hashed && groups >= 0 ? (long)groups * sizeof(int) : 0;
        var size = HeaderBytes + hashBytes + keyBytes;
        if (aggregates == _accumulators.Length && groups >= 0 && keyBytes >= 0)
        {
            foreach (var accumulator in _accumulators)
            {
                size += accumulator.LaneBytes(groups);
            }
        }
        if (aggregates != _accumulators.Length || groups < 0 || keyBytes < 0 || size != data.Length)
        {
            throw new FormatException(
                $"partial aggregates of {groups} groups and {aggregates} aggregates in {data.Length} bytes do not fit this query's {_accumulators.Length} aggregates");
        }
        var keysAt = HeaderBytes + (int)hashBytes;
        var at = keysAt + keyBytes;
        foreach (var accumulator in _accumulators)
        {
            var bytes = accumulator.LaneBytes(groups);
            accumulator.ReadLanes(data.Slice(at, bytes), groups);
            at += bytes;
        }
        if (_hashes.Length < groups)
        {
            _hashes = new int[Math.Max(groups, _hashes.Length * 2)];
        }
        (_data, _position, _keysEnd, _groups) = (array, offset + keysAt, offset + keysAt + keyBytes, groups);
        if (hashed)
        {
            MemoryMarshal.Cast<byte, int>(data.Slice(HeaderBytes, (int)hashBytes)).CopyTo(_hashes);
        }
        else
        {
            HashKeys(groups);
        }
        return groups;
    }

    /// <summary>
    /// The open payload's key hashes (<see cref="SlotIndex.Hash"/>), by group, as the agent sent them: trusted as
    /// silos of one version hash alike (a version 1 payload's are computed here).
    /// </summary>
    public ReadOnlySpan<int> Hashes => _hashes.AsSpan(0, _groups);

    /// <summary>A version 1 payload's hashes, from its keys (the keys are then read again from the start).</summary>
    private void HashKeys(int groups)
    {
        var start = _position;
        for (var group = 0; group < groups; group++)
        {
            _hashes[group] = SlotIndex.Hash(NextKey());
        }
        _position = start;
    }

    /// <summary>The next group's encoded key (valid while the payload is).</summary>
    public ReadOnlySpan<byte> NextKey()
    {
        var length = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (_position >= _keysEnd || shift > 28)
            {
                throw new FormatException("partial aggregates: a key's length runs past the key section");
            }
            var b = _data[_position++];
            length |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }
        if (length < 0 || length > _keysEnd - _position)
        {
            throw new FormatException("partial aggregates: a key runs past the key section");
        }
        var key = _data.AsSpan(_position, length);
        _position += length;
        return key;
    }

    /// <summary>Ends the payload: every key must have been read.</summary>
    public void Close()
    {
        if (_position != _keysEnd)
        {
            throw new FormatException("partial aggregates: more keys than groups");
        }
        _data = [];
    }

    /// <summary>
    /// Aggregate <paramref name="index"/>'s accumulator, holding the open payload's groups 0 to n - 1 in key order: a
    /// key group's typed hot state merges them straight from it (<see cref="TypedAccumulator.Merge"/>).
    /// </summary>
    public TypedAccumulator AccumulatorOf(int index) => _accumulators[index];

    /// <summary>A new buffer holding <paramref name="group"/>'s partial, as the agent's row path would have sent it.</summary>
    public object?[] NewBuffer(int group)
    {
        var buffer = _aggregates.NewBuffer();
        Fill(group, buffer);
        return buffer;
    }

    /// <summary><paramref name="group"/>'s partial in a buffer reused by the next call: to merge from, never to keep.</summary>
    public object?[] Scratch(int group)
    {
        Fill(group, _scratch);
        return _scratch;
    }

    private void Fill(int group, object?[] buffer)
    {
        for (var a = 0; a < _accumulators.Length; a++)
        {
            _accumulators[a].Write(group, buffer, _aggregates.OffsetOf(a));
        }
    }
}
