using System.Runtime.CompilerServices;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Sorts a batch's groups by destination key group as an agent emits them, then writes one
/// <see cref="PartialAggregates"/> payload per destination. Kept with the agent's <see cref="GroupingScratch"/> and
/// reused from batch to batch (each destination's buffers keep the size of its largest batch). The payloads are written
/// into a pooled buffer per destination too, lent to the router until <see cref="Release"/> (the agent's calls to the
/// key groups all returned): a batch flushed while the last one's payloads are still lent writes into new buffers, so a
/// payload is never overwritten while a key group may still read it. A warm batch allocates nothing.
/// </summary>
internal sealed class PartialAggregatesWriter : IPartialsLender
{
    private readonly List<int> _used = [];
    private Destination?[] _destinations = [];

    /// <summary>Whether the payload buffers are lent out (flushed and not yet released).</summary>
    private bool _lent;

    /// <summary>Sends <paramref name="key"/> (its encoded bytes), with its accumulators' group number, to its key group.</summary>
    /// <remarks>
    /// Optimized at once: called once per group, with no loop to get it compiled optimized early, it otherwise ran an
    /// agent's first batches in Tier0 and instrumented code (BENCHMARKS.md); it has no virtual call for PGO to help.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<byte> key, int group, int keyGroups)
    {
        if (_destinations.Length != keyGroups)
        {
            _destinations = new Destination?[keyGroups];
        }
        // Half of the routing hash travels with the key: the key group finds the key's slot by it without hashing the bytes again.
        var hash = RowCodec.KeyHashOf(key);
        var keyGroup = RowCodec.KeyGroupOf(hash, keyGroups);
        var destination = _destinations[keyGroup] ??= new Destination();
        if (destination.Count == 0)
        {
            _used.Add(keyGroup);
        }
        destination.Add(key, SlotIndex.HashOf(hash), group);
    }

    /// <summary>One payload per key group that got a group, with the accumulators' state of its groups; then empties.</summary>
    public void Flush(KeyGroupRouter output, TypedAccumulator[] accumulators)
    {
        if (_lent)
        {
            // The last payloads were never released (a call failed): leave every one of them to whoever still reads it.
            foreach (var destination in _destinations)
            {
                destination?.Payload = [];
            }
        }
        _lent = _used.Count > 0;
        foreach (var keyGroup in _used)
        {
            var destination = _destinations[keyGroup]!;
            output.AddPartials(keyGroup, PartialAggregates.WriteInto(ref destination.Payload, destination.Hashes, destination.Keys, destination.Groups, accumulators), this);
            destination.Clear();
        }
        _used.Clear();
    }

    /// <summary>The payloads of the last <see cref="Flush"/> are no longer read: the next batch may write over them.</summary>
    public void Release() => _lent = false;

    /// <summary>One key group's keys (each LEB128-length-prefixed, as <see cref="PartialAggregates.WriteInto"/> takes them), their hashes and group numbers.</summary>
    private sealed class Destination
    {
        private byte[] _keys = new byte[1024];
        private int _keyBytes;
        private int[] _groups = new int[64];
        private int[] _hashes = new int[64];

        /// <summary>The buffer this destination's payloads are written into, batch after batch.</summary>
        public byte[] Payload = [];

        public int Count { get; private set; }

        public ReadOnlySpan<byte> Keys => _keys.AsSpan(0, _keyBytes);

        public ReadOnlySpan<int> Groups => _groups.AsSpan(0, Count);

        public ReadOnlySpan<int> Hashes => _hashes.AsSpan(0, Count);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(ReadOnlySpan<byte> key, int hash, int group)
        {
            if (Count == _groups.Length)
            {
                Array.Resize(ref _groups, Count * 2);
                Array.Resize(ref _hashes, Count * 2);
            }
            _hashes[Count] = hash;
            _groups[Count++] = group;
            if (_keys.Length - _keyBytes < key.Length + 5)
            {
                Array.Resize(ref _keys, Math.Max(_keys.Length * 2, _keyBytes + key.Length + 5));
            }
            var at = _keyBytes;
            var length = (uint)key.Length;
            while (length >= 0x80)
            {
                _keys[at++] = (byte)(length | 0x80);
                length >>= 7;
            }
            _keys[at++] = (byte)length;
            key.CopyTo(_keys.AsSpan(at));
            _keyBytes = at + key.Length;
        }

        public void Clear()
        {
            Count = 0;
            _keyBytes = 0;
        }
    }
}
