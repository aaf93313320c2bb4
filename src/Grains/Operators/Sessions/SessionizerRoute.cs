using System.Buffers;
using Sluice.Columnar;
using Sluice.Data;
using Sluice.Planning;
using Sluice.State.Encoding;

namespace Sluice.Operators.Sessions;

/// <summary>
/// The agent side of the built-in sessionizer on columns: keys each selected row as the row route does (same late rows,
/// same encoded keys, same key groups) and sends each key group one <see cref="SessionPayload"/> holding only what the
/// processor reads, so no row is boxed and no keyed record made. The payloads are written into buffers the route keeps
/// from batch to batch and lends to the router until the key groups have read them.
/// </summary>
internal sealed class SessionizerRoute(int[] keyColumns, int watermarkColumn, SessionizerInput input)
{
    private Scratch? _spare;

    public SessionizerInput Input { get; } = input;

    /// <summary>The input columns the route reads: keys, the watermark column and the processor's columns.</summary>
    public IReadOnlyCollection<int> InputColumns { get; } =
        [.. keyColumns.Append(watermarkColumn).Append(input.EventTime).Append(input.Amount).Append(input.EventId).Where(c => c >= 0).Distinct().Order()];

    public void Route(ColumnBatch batch, BatchContext context, KeyGroupRouter output, LateRowSet late)
    {
        // One agent routes one batch at a time; the exchange only keeps a plan shared by agents safe, never contended. A
        // scratch whose payloads are lent comes back when the key groups have read them (Scratch.Release); one whose
        // calls failed is left to whoever may still read it, and the next batch takes a new one.
        var scratch = Interlocked.Exchange(ref _spare, null) ?? new Scratch(this);
        var lent = Route(batch, context, output, late, scratch);
        scratch.Key.Begin([]);
        if (!lent)
        {
            _spare = scratch;
        }
    }

    /// <summary>Routes the batch's rows; whether any payload was lent to <paramref name="output"/>.</summary>
    private bool Route(ColumnBatch batch, BatchContext context, KeyGroupRouter output, LateRowSet late, Scratch scratch)
    {
        var (keyWriter, payloads) = (scratch.Key, scratch.Payloads);
        var watermark = watermarkColumn >= 0 ? batch.Column(watermarkColumn) : null;
        var eventTime = batch.Column(Input.EventTime);
        var amount = batch.Column(Input.Amount);
        var eventId = Input.EventId >= 0 ? batch.Column(Input.EventId) : null;
        keyWriter.Begin([.. keyColumns.Select(batch.Column)]);
        foreach (var payload in payloads.Values)
        {
            payload.ResetWrittenCount();
        }
        for (var i = 0; i < batch.SelectedCount; i++)
        {
            var r = batch.RowAt(i);
            if (watermark is not null && LateMs(watermark, r) is { } t && t <= context.WatermarkMs)
            {
                late.Add(RowOf(batch, r));
                continue;
            }
            keyWriter.Prefetch(batch, i);
            var key = keyWriter.Write(r);
            var hash = RowCodec.KeyHashOf(key);
            var group = RowCodec.KeyGroupOf(hash, output.KeyGroups);
            if (!payloads.TryGetValue(group, out var payload))
            {
                payloads[group] = payload = new ArrayBufferWriter<byte>(4096);
            }
            if (payload.WrittenCount == 0)
            {
                // The group's first row this batch (payloads are reused, emptied, batch after batch).
                SessionPayload.Begin(payload);
            }
            SessionPayload.Write(payload, SlotIndex.HashOf(hash), key, new SessionEvent(Ticks(eventTime, r), Amount(amount, r), eventId is null ? null : eventId.GetValue(r)?.ToString() ?? ""));
        }
        var lent = false;
        foreach (var (group, payload) in payloads)
        {
            if (payload.WrittenCount > 0)
            {
                output.AddPartials(group, payload.WrittenMemory, scratch);
                lent = true;
            }
        }
        return lent;
    }

    /// <summary>The row route's late test: the watermark column's event time (null: never late).</summary>
    private static long? LateMs(ColumnVector column, int row) =>
        column is Int64Vector { Type.Kind: DataTypeKind.Timestamp } times
            ? times.IsNull(row) ? null : Int64Vector.TicksToMs(times.Values[row])
            : EventTimes.ToMs(column.GetValue(row));

    /// <summary>The event time's ticks; a null (or a vector of another type) fails as the processor's cast does.</summary>
    private static long Ticks(ColumnVector column, int row) =>
        column is Int64Vector { Type.Kind: DataTypeKind.Timestamp } times && !times.IsNull(row) ? times.Values[row] : ((DateTime)column.GetValue(row)!).Ticks;

    private double Amount(ColumnVector column, int row) =>
        !Input.AmountIsDouble ? 0 : column is DoubleVector doubles ? doubles.IsNull(row) ? 0 : doubles.Values[row] : column.GetValue(row) is double d ? d : 0;

    /// <summary>A late row whole, for the late-rows sink (a query that names one reads every column).</summary>
    private static object?[] RowOf(ColumnBatch batch, int row)
    {
        var values = new object?[batch.Schema.Count];
        for (var c = 0; c < values.Length; c++)
        {
            values[c] = batch.IsRead(c) ? batch.Column(c).GetValue(row) : null;
        }
        return values;
    }

    /// <summary>An agent's buffers for one batch: the key's writer and a payload writer per key group, lent to the router.</summary>
    private sealed class Scratch(SessionizerRoute route) : IPartialsLender
    {
        public SessionKeyWriter Key { get; } = new();

        public Dictionary<int, ArrayBufferWriter<byte>> Payloads { get; } = [];

        public void Release() => route._spare = this;
    }
}
