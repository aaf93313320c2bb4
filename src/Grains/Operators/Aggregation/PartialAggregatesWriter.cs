using System.Buffers;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Sorts a batch's groups by destination key group as an agent emits them, then writes one
/// <see cref="PartialAggregates"/> payload per destination. Kept with the agent's <see cref="GroupingScratch"/> and
/// reused from batch to batch: a warm batch allocates only the payloads.
/// </summary>
internal sealed class PartialAggregatesWriter
{
    private readonly ArrayBufferWriter<byte> _key = new(256);
    private readonly List<int> _used = [];
    private Destination?[] _destinations = [];

    /// <summary>An empty buffer for the next group's encoded key.</summary>
    public ArrayBufferWriter<byte> BeginKey()
    {
        _key.ResetWrittenCount();
        return _key;
    }

    /// <summary>Sends the key just written, with its accumulators' group number, to its key group.</summary>
    public void EndKey(int group, int keyGroups)
    {
        if (_destinations.Length != keyGroups)
        {
            _destinations = new Destination?[keyGroups];
        }
        var key = _key.WrittenSpan;
        var keyGroup = RowCodec.KeyGroupOf(key, keyGroups);
        var destination = _destinations[keyGroup] ??= new Destination();
        if (destination.Count == 0)
        {
            _used.Add(keyGroup);
        }
        destination.Add(key, group);
    }

    /// <summary>One payload per key group that got a group, with the accumulators' state of its groups; then empties.</summary>
    public void Flush(KeyGroupRouter output, TypedAccumulator[] accumulators)
    {
        foreach (var keyGroup in _used)
        {
            var destination = _destinations[keyGroup]!;
            output.AddPartials(keyGroup, PartialAggregates.Write(destination.Keys.WrittenSpan, destination.Groups.AsSpan(0, destination.Count), accumulators));
            destination.Clear();
        }
        _used.Clear();
    }

    private sealed class Destination
    {
        public ArrayBufferWriter<byte> Keys { get; } = new(1024);

        public int[] Groups { get; private set; } = new int[64];

        public int Count { get; private set; }

        public void Add(ReadOnlySpan<byte> key, int group)
        {
            if (Count == Groups.Length)
            {
                var groups = Groups;
                Array.Resize(ref groups, Count * 2);
                Groups = groups;
            }
            Groups[Count++] = group;
            PartialAggregates.AppendKey(Keys, key);
        }

        public void Clear()
        {
            Count = 0;
            Keys.ResetWrittenCount();
        }
    }
}
