using System.Runtime.CompilerServices;
using Sluice.Columnar;
using Sluice.Data;
using Sluice.State.Encoding;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// The working state of one <see cref="ColumnarGrouping.Route"/> call, kept between an agent's batches so a warm batch
/// allocates only its output. <see cref="Group"/> assigns every (row, window) an entry of a group in a
/// <see cref="GroupTable"/> (the window start and the key lanes hashed together; groups numbered in first-seen order,
/// as the row path's dictionary orders them) and folds the entries into the typed accumulators; <see cref="Emit"/> then
/// builds, once per group, the row path's key values, encoded key and buffer, and <see cref="EmitPartials"/> writes the
/// same keys and states as one payload per key group.
/// </summary>
internal sealed class GroupingScratch
{
    /// <summary>How many groups ahead of the one it writes <see cref="EmitPartials"/> prefetches a key's strings.</summary>
    private const int PrefetchDistance = 8;

    private readonly ColumnarGrouping _plan;
    private readonly GroupTable _table = new();
    private readonly TypedAccumulator[] _accumulators;
    private readonly ColumnVector[] _keyVectors;
    private readonly DataTypeKind[] _kinds;
    private readonly object?[] _keyValues;
    private readonly long[] _key;
    private readonly List<(int Row, bool Counted)> _lateEntries = [];
    private readonly Dictionary<long, StructValue> _windows = [];
    private readonly PartialAggregatesWriter _partials = new();
    private readonly LaneKeyWriter _keyWriter;

    /// <summary>Lanes per row (each scalar key, then the null mask) and in a group's key (the window start first).</summary>
    private readonly int _stride;
    private readonly int _lanesFrom;

    /// <summary>The eviction key's place among the scalar keys (-1: it is the window, or there is none).</summary>
    private readonly int _evictionLane;
    private int[] _identity = [];
    private long[] _rowLanes = [];
    private int[] _entryRows = [];
    private int[] _entryGroups = [];
    private int _entries;
    private bool[] _late = [];

    public GroupingScratch(ColumnarGrouping plan)
    {
        _plan = plan;
        _accumulators = [.. plan.Aggregates.Aggregates.Select(a => TypedAccumulator.TryCreate(a)!)];
        _keyVectors = new ColumnVector[plan.ScalarKeys.Length];
        _kinds = [.. plan.ScalarKeys.Select(k => plan.Keys[k].Type.Kind)];
        _keyValues = new object?[plan.Keys.Length];
        _stride = plan.ScalarKeys.Length == 0 ? 0 : plan.ScalarKeys.Length + 1;
        _lanesFrom = plan.WindowKey >= 0 ? 1 : 0;
        _key = new long[_lanesFrom + _stride];
        _evictionLane = Array.IndexOf(plan.ScalarKeys, plan.EvictionKey);
        _keyWriter = new LaneKeyWriter(plan, _kinds);
    }

    /// <summary>Whether the batch holds every column read as the planned vector type.</summary>
    public bool Accepts(ColumnBatch batch)
    {
        if (_plan.WindowKey >= 0 && !(batch.IsRead(_plan.Keys[_plan.WindowKey].TimeIndex) && batch.Column(_plan.Keys[_plan.WindowKey].TimeIndex) is Int64Vector))
        {
            return false;
        }
        for (var s = 0; s < _kinds.Length; s++)
        {
            if (!KeyLanes.Accepts(batch, _plan.Keys[_plan.ScalarKeys[s]].Column, _kinds[s]))
            {
                return false;
            }
        }
        foreach (var accumulator in _accumulators)
        {
            if (!accumulator.Accepts(batch))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Groups the selected rows and folds them into the accumulators; false (nothing routed) when two distinct string
    /// keys would encode alike, which only the row path groups right.
    /// </summary>
    public bool Group(ColumnBatch batch, long watermarkMs)
    {
        var count = batch.SelectedCount;
        var rows = batch.HasSelection ? batch.Selection : Identity(count);
        FillLanes(batch, rows);
        _table.Reset(_key.Length);
        _entries = 0;
        _lateEntries.Clear();
        if (_plan.WindowKey < 0)
        {
            for (var i = 0; i < count; i++)
            {
                if (!Add(_rowLanes.AsSpan(i * _stride, _stride), rows[i], watermarkMs))
                {
                    return false;
                }
            }
        }
        else if (!AddWindowed(batch, rows, watermarkMs))
        {
            return false;
        }
        for (var a = 0; a < _accumulators.Length; a++)
        {
            _accumulators[a].Reset(_table.Count);
            _accumulators[a].Update(batch, _entryRows.AsSpan(0, _entries), _entryGroups.AsSpan(0, _entries));
        }
        return true;
    }

    /// <summary>Each row once per window it falls in, latest start first, as <see cref="GroupKey.WindowsOf"/> lists them.</summary>
    private bool AddWindowed(ColumnBatch batch, ReadOnlySpan<int> rows, long watermarkMs)
    {
        var time = batch.Column<Int64Vector>(_plan.Keys[_plan.WindowKey].TimeIndex);
        var times = time.Values;
        var nulls = time.HasNulls;
        long size = _plan.SizeTicks, slide = _plan.SlideTicks, offset = _plan.OffsetTicks;
        var key = _key.AsSpan();
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            if (nulls && time.IsNull(row))
            {
                continue;
            }
            _rowLanes.AsSpan(i * _stride, _stride).CopyTo(key[1..]);
            var t = times[row];
            for (var start = GroupKey.LastWindowStart(t, slide, offset); start > t - size; start -= slide)
            {
                if (start < 0 || start > DateTime.MaxValue.Ticks - size)
                {
                    ThrowOutOfRange(start, size);
                }
                key[0] = start;
                if (!Add(key, row, watermarkMs))
                {
                    return false;
                }
            }
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Add(ReadOnlySpan<long> key, int row, long watermarkMs)
    {
        var group = _table.FindOrAdd(key, out var added);
        if (added && !NewGroup(group, key, watermarkMs))
        {
            return false;
        }
        if (_late[group])
        {
            // The row path drops a late group's rows before aggregating, counting the group once.
            _lateEntries.Add((row, added));
            return true;
        }
        if (_entries == _entryRows.Length)
        {
            Array.Resize(ref _entryRows, Math.Max(1024, _entries * 2));
            Array.Resize(ref _entryGroups, _entryRows.Length);
        }
        _entryRows[_entries] = row;
        _entryGroups[_entries++] = group;
        return true;
    }

    private bool NewGroup(int group, ReadOnlySpan<long> key, long watermarkMs)
    {
        if (group == _late.Length)
        {
            Array.Resize(ref _late, Math.Max(256, group * 2));
        }
        var mask = _stride == 0 ? 0 : key[_lanesFrom + _kinds.Length];
        for (var s = 0; s < _kinds.Length; s++)
        {
            if (_kinds[s] == DataTypeKind.String && (mask & (1L << s)) == 0
                && ((StringVector)_keyVectors[s]).Dictionary is { AnyLoneSurrogate: true } dictionary
                && StringDictionary.HasLoneSurrogate(dictionary[(int)key[_lanesFrom + s]]))
            {
                return false;
            }
        }
        _late[group] = _plan.DropsLateRows && EvictionTicks(key, mask) is { } ticks && ToMs(ticks) <= watermarkMs;
        return true;
    }

    /// <summary>When the group closes, as <c>AggregationOperator.EvictionTimeMs</c>: its window's end, or its timestamp key.</summary>
    private long? EvictionTicks(ReadOnlySpan<long> key, long mask)
    {
        if (_plan.EvictionKey < 0)
        {
            return null;
        }
        if (_plan.EvictionKey == _plan.WindowKey)
        {
            return key[0] + _plan.SizeTicks;
        }
        var s = _evictionLane;
        return s >= 0 && _kinds[s] == DataTypeKind.Timestamp && (mask & (1L << s)) == 0 ? key[_lanesFrom + s] : null;
    }

    /// <summary>Once per group not dropped, in first-seen order: the key and buffer the row path makes; then the late rows.</summary>
    public void Emit(ColumnBatch batch, KeyGroupRouter output, LateRowSet late)
    {
        _windows.Clear();
        var aggregates = _plan.Aggregates;
        for (var group = 0; group < _table.Count; group++)
        {
            if (_late[group])
            {
                continue;
            }
            var key = _table.KeyOf(group);
            var mask = _stride == 0 ? 0 : key[_lanesFrom + _kinds.Length];
            for (var s = 0; s < _kinds.Length; s++)
            {
                _keyValues[_plan.ScalarKeys[s]] = (mask & (1L << s)) != 0 ? null : KeyLanes.Value(_keyVectors[s], _kinds[s], key[_lanesFrom + s]);
            }
            if (_plan.WindowKey >= 0)
            {
                _keyValues[_plan.WindowKey] = WindowAt(key[0]);
            }
            var buffer = aggregates.NewBuffer();
            for (var a = 0; a < _accumulators.Length; a++)
            {
                _accumulators[a].Write(group, buffer, aggregates.OffsetOf(a));
            }
            output.Add(RowCodec.Encode(_keyValues), buffer);
        }
        Array.Clear(_keyValues);
        EmitLate(batch, late);
    }

    /// <summary>
    /// As <see cref="Emit"/>, but the groups not dropped go as one <see cref="PartialAggregates"/> payload per key
    /// group: each key encoded from its lanes to the row path's bytes, the accumulators' state as typed lanes. The
    /// encoded strings of the key <see cref="PrefetchDistance"/> on are prefetched (groups come in random code order).
    /// </summary>
    public void EmitPartials(ColumnBatch batch, KeyGroupRouter output, LateRowSet late)
    {
        _keyWriter.Begin(_keyVectors);
        var count = _table.Count;
        for (var group = 0; group < count; group++)
        {
            if (group + PrefetchDistance < count)
            {
                _keyWriter.Prefetch(_table.KeyOf(group + PrefetchDistance));
            }
            if (!_late[group])
            {
                _partials.Add(_keyWriter.Write(_table.KeyOf(group)), group, output.KeyGroups);
            }
        }
        _partials.Flush(output, _accumulators);
        EmitLate(batch, late);
    }

    private void EmitLate(ColumnBatch batch, LateRowSet late)
    {
        object?[]? row = null;
        var last = -1;
        foreach (var (index, counted) in _lateEntries)
        {
            if (index != last)
            {
                row = Materialize(batch, index);
                last = index;
            }
            late.Add(row!, counted);
        }
        _lateEntries.Clear();
    }

    private StructValue WindowAt(long start)
    {
        if (!_windows.TryGetValue(start, out var window))
        {
            _windows[start] = window = new StructValue([new DateTime(start, DateTimeKind.Utc), new DateTime(start + _plan.SizeTicks, DateTimeKind.Utc)]);
        }
        return window;
    }

    /// <summary>A late row as the row path holds it, for the late-rows sink (a column the plan did not read stays null).</summary>
    private static object?[] Materialize(ColumnBatch batch, int row)
    {
        var values = new object?[batch.Schema.Columns.Count];
        for (var c = 0; c < values.Length; c++)
        {
            values[c] = batch.IsRead(c) ? batch.Column(c).GetValue(row) : null;
        }
        return values;
    }

    private void FillLanes(ColumnBatch batch, ReadOnlySpan<int> rows)
    {
        if (_stride == 0)
        {
            return;
        }
        if (_rowLanes.Length < rows.Length * _stride)
        {
            _rowLanes = new long[Math.Max(rows.Length, 1024) * _stride];
        }
        var lanes = _rowLanes.AsSpan(0, rows.Length * _stride);
        var maskLane = _kinds.Length;
        for (var i = 0; i < rows.Length; i++)
        {
            lanes[(i * _stride) + maskLane] = 0;
        }
        for (var s = 0; s < _kinds.Length; s++)
        {
            _keyVectors[s] = batch.Column(_plan.Keys[_plan.ScalarKeys[s]].Column);
            KeyLanes.Fill(_keyVectors[s], rows, lanes, _stride, s, maskLane, 1L << s);
        }
    }

    private ReadOnlySpan<int> Identity(int count)
    {
        if (_identity.Length < count)
        {
            _identity = new int[Math.Max(count, 1024)];
            for (var i = 0; i < _identity.Length; i++)
            {
                _identity[i] = i;
            }
        }
        return _identity.AsSpan(0, count);
    }

    private static long ToMs(long ticks) => (ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    /// <summary>The row path makes each window's DateTimes, which throw for a window outside DateTime's range: so does this.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOutOfRange(long start, long size) =>
        throw new ArgumentOutOfRangeException(nameof(start), start, $"the window [{start}, {start} + {size}) ticks is outside DateTime's range");
}
