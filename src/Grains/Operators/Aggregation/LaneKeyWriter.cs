using System.Buffers;
using Sluice.Columnar;
using Sluice.Data;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// Writes a group's key, as a <see cref="GroupTable"/> holds it (the window start first when there is a window, then a
/// lane per scalar key and the null mask), as exactly the bytes <see cref="RowCodec"/> gives the row path's key values:
/// the state's key, with no key value boxed and no <c>object?[]</c> made.
/// </summary>
internal sealed class LaneKeyWriter
{
    private readonly int[] _scalarOf;
    private readonly DataTypeKind[] _kinds;
    private readonly int _lanesFrom;
    private readonly long _sizeTicks;

    public LaneKeyWriter(ColumnarGrouping plan, DataTypeKind[] kinds)
    {
        _scalarOf = [.. Enumerable.Range(0, plan.Keys.Length).Select(k => Array.IndexOf(plan.ScalarKeys, k))];
        _kinds = kinds;
        _lanesFrom = plan.WindowKey >= 0 ? 1 : 0;
        _sizeTicks = plan.SizeTicks;
    }

    /// <summary>Appends <paramref name="key"/>'s bytes; <paramref name="vectors"/> are the scalar keys' vectors (string lanes are their dictionary codes).</summary>
    public void Write(ReadOnlySpan<long> key, ColumnVector[] vectors, IBufferWriter<byte> writer)
    {
        var mask = _kinds.Length == 0 ? 0 : key[_lanesFrom + _kinds.Length];
        foreach (var s in _scalarOf)
        {
            if (s < 0)
            {
                KeyLanes.EncodeWindow(writer, key[0], _sizeTicks);
            }
            else if ((mask & (1L << s)) != 0)
            {
                RowCodec.WriteTag(writer, ValueTag.Null);
            }
            else
            {
                KeyLanes.Encode(writer, vectors[s], _kinds[s], key[_lanesFrom + s]);
            }
        }
    }
}
