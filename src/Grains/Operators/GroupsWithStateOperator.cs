using Sluice.Columnar;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Operators.Sessions;
using Sluice.Planning;
using Sluice.Processing;
using Sluice.Spec;
using Sluice.State;
using Sluice.State.Encoding;

namespace Sluice.Operators;

/// <summary>
/// <c>flatMapGroupsWithState</c> / <c>mapGroupsWithState</c> (Spark's FlatMapGroupsWithStateExec): agents route each
/// row to its key's group; at the end of the batch the window grain calls the processor once per key with all its
/// rows, then once per key whose timeout passed (processing time: the batch timestamp; event time: the watermark)
/// and that had no rows. With an event-time timeout, rows at or behind the watermark are dropped as late.
/// The built-in <see cref="Processing.BuiltIn.Sessionizer"/> with an event-time timeout runs on a typed path
/// (<see cref="SessionizerRoute"/> on the agents' columns, <see cref="SessionizerBatch"/> with sessions held decoded
/// between batches) that gives the same rows and state bytes; every other processor runs on the general path.
/// </summary>
internal sealed partial class GroupsWithStateOperator : IStatefulOperator, IColumnarRoute
{
    private readonly int[] _keyColumns;
    private readonly int _eventTime;
    private readonly SessionizerRoute? _sessionizer;

    private GroupsWithStateOperator(int index, GroupsWithStateSpec spec, IStatefulProcessor processor, StreamSchema input, StreamSchema output, int[] keyColumns, int eventTime, bool hasWatermark)
    {
        HasWatermark = hasWatermark;
        Index = index;
        Spec = spec;
        Processor = processor;
        InputSchema = input;
        OutputSchema = output;
        _keyColumns = keyColumns;
        _eventTime = eventTime;
        Invoker = ProcessorInvoker.For(processor);
        // The typed path is the processor's own code on typed rows; it needs what the processor cannot fail on for the
        // plan's sake (the general path raises the processor's errors: map mode's row count, a missing column).
        if (processor is Processing.BuiltIn.Sessionizer && spec.FlatMap && eventTime >= 0 && SessionizerInput.TryCreate(input) is { } typed)
        {
            _sessionizer = new SessionizerRoute(keyColumns, eventTime, typed);
        }
    }

    public int Index { get; }

    public string Name => "flatMapGroupsWithState";

    public GroupsWithStateSpec Spec { get; }

    public IStatefulProcessor Processor { get; }

    public StreamSchema InputSchema { get; }

    public StreamSchema OutputSchema { get; }

    public bool HasProcessingTimers => Spec.Timeout == "processingTime";

    /// <summary>Whether the input carries a watermark (Spark's <c>watermarkPresent</c>): without one, the processor cannot read it.</summary>
    internal bool HasWatermark { get; }

    /// <summary>Spark's <c>FlatMapGroupsWithStateExec</c>: with a timeout (a processing-time one runs a batch at every trigger); never without one.</summary>
    public bool NeedsBatchWhenWatermarkMoves => Spec.Timeout is "eventTime" or "processingTime";

    internal ProcessorInvoker Invoker { get; }

    /// <summary>Whether batches run the built-in sessionizer's typed path.</summary>
    internal bool IsTypedSessionizer => _sessionizer is not null;

    public bool RoutesColumns => _sessionizer is not null;

    public IReadOnlyCollection<int> InputColumns => _sessionizer?.InputColumns ?? [];

    public static GroupsWithStateOperator Create(int index, string path, GroupsWithStateSpec spec, StreamSchema input, WatermarkColumn? watermark)
    {
        IStatefulProcessor processor;
        try
        {
            processor = ProcessorRegistry.Resolve(spec.Processor);
        }
        catch (KeyNotFoundException e)
        {
            throw QueryPlanner.Invalid(path + ".processor", e.Message);
        }
        var keys = spec.Keys.Select((k, i) => input.IndexOf(k) is var c && c >= 0 ? c
            : throw QueryPlanner.Invalid($"{path}.keys[{i}]", $"unknown column '{k}' for {spec.Op}; available columns: {input.Describe()}")).ToArray();
        if (spec.Timeout == "eventTime" && watermark is null)
        {
            throw QueryPlanner.Invalid(path + ".timeout",
                "Watermark must be specified in the query using withWatermark() for using event-time timeout in a [map|flatMap]GroupsWithState. Event-time timeout not supported without watermark.");
        }
        var output = new StreamSchema(processor.OutputColumns.Select((c, i) => new Column(c.Name, DataType.TryParse(c.Type, out var t) ? t
            : throw QueryPlanner.Invalid(path + ".processor", $"processor '{processor.Name}' declares column '{c.Name}' of unknown type '{c.Type}'"))).ToList());
        var eventTime = spec.Timeout == "eventTime" ? watermark!.Index : -1;
        return new GroupsWithStateOperator(index, spec, processor, input, output, keys, eventTime, watermark is not null);
    }

    public void Route(List<object?[]> rows, BatchContext context, KeyGroupRouter output, LateRowSet late)
    {
        var key = new object?[_keyColumns.Length];
        foreach (var row in rows)
        {
            if (_eventTime >= 0 && EventTimes.ToMs(row[_eventTime]) is { } t && t <= context.WatermarkMs)
            {
                late.Add(row);
                continue;
            }
            for (var k = 0; k < key.Length; k++)
            {
                key[k] = row[_keyColumns[k]];
            }
            output.Add(RowCodec.Encode(key), row);
        }
    }

    public void Route(ColumnBatch batch, BatchContext context, KeyGroupRouter output, LateRowSet late) =>
        (_sessionizer ?? throw new InvalidOperationException("only the typed sessionizer routes columns")).Route(batch, context, output, late);

    public IStatefulBatch BeginBatch(IStateStore store, OperatorCache cache) => _sessionizer is { } typed
        ? new SessionizerBatch(typed.Input, store, cache.Value as HotSessions ?? (HotSessions)(cache.Value = HotSessions.Build(store, cache.Budget)))
        : BeginGeneralBatch(store, cache);

    /// <summary>A batch on the general path whatever the processor (tests compare it with the typed path).</summary>
    internal IStatefulBatch BeginGeneralBatch(IStateStore store, OperatorCache cache) =>
        new GroupsWithStateBatch(this, store, cache.Value as TimerIndex ?? (TimerIndex)(cache.Value = TimerIndex.Build(store)));

    public IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["op"] = Spec.Op,
        ["keys"] = string.Join(", ", Spec.Keys),
        ["processor"] = Processor.Name,
        ["stateType"] = Processor.StateType.FullName ?? Processor.StateType.Name,
        ["stateVersion"] = Processor.StateVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["timeout"] = Spec.Timeout,
        ["input"] = InputSchema.Describe(),
    };

    internal object?[] KeyOf(byte[] encoded) => RowCodec.Decode(encoded);
}
