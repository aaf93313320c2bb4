using System.Text.Json;
using Sluice.Processing;

namespace Sluice.Operators;

/// <summary>What one processor call did to its key.</summary>
internal sealed record ProcessorCall(List<object?[]> Output, bool Exists, bool Updated, bool Removed, byte[]? Json, long? TimeoutMs);

/// <summary>Calls a <see cref="StatefulProcessor{TState}"/> without knowing its state type: state travels as JSON.</summary>
internal abstract class ProcessorInvoker
{
    public static ProcessorInvoker For(IStatefulProcessor processor) =>
        (ProcessorInvoker)Activator.CreateInstance(typeof(ProcessorInvoker<>).MakeGenericType(processor.StateType), processor)!;

    /// <summary>Calls the processor for one key; <c>watermarkMs</c> is null when the query has no watermark before the operator.</summary>
    public abstract ProcessorCall Invoke(object?[] key, IReadOnlyList<InputRow> rows, byte[]? json, bool hasTimedOut, string timeoutKind, long batchTimestampMs, long? watermarkMs);
}

internal sealed class ProcessorInvoker<TState>(IStatefulProcessor processor) : ProcessorInvoker
{
    private readonly StatefulProcessor<TState> _processor = (StatefulProcessor<TState>)processor;

    public override ProcessorCall Invoke(object?[] key, IReadOnlyList<InputRow> rows, byte[]? json, bool hasTimedOut, string timeoutKind, long batchTimestampMs, long? watermarkMs)
    {
        var value = json is null ? default : JsonSerializer.Deserialize<TState>(json);
        var state = new GroupState<TState>(json is not null, value, hasTimedOut, timeoutKind, batchTimestampMs, watermarkMs);
        var output = _processor.Process(key, rows, state).ToList();
        byte[]? newJson = state.Exists && state.Updated ? JsonSerializer.SerializeToUtf8Bytes(state.Get()) : json;
        return new ProcessorCall(output, state.Exists, state.Updated, state.Removed, state.Exists ? newJson : null, state.TimeoutMs);
    }
}
