using Sluice.Data;

namespace Sluice.Operators.Aggregation;

/// <summary>
/// One of Spark's declarative aggregates, working on <see cref="BufferSlots"/> consecutive slots of a group's
/// <c>object?[]</c> buffer starting at an offset, so a groupBy keeps all of a group's aggregates in one array.
/// Slots hold only values <see cref="State.Encoding.RowCodec"/> can encode (the buffer is what the state store keeps),
/// and a function keeps no per-group state of its own: one instance serves every group and thread.
/// Partial buffers merge, which is how agents pre-aggregate a batch before the state's buffer absorbs it.
/// </summary>
internal interface IAggregateFunction
{
    DataType ResultType { get; }

    int BufferSlots { get; }

    void Initialize(object?[] buffer, int offset);

    /// <summary>Folds in one input value, already evaluated. <c>count(*)</c> is given a non-null marker per row.</summary>
    void Update(object?[] buffer, int offset, object? input);

    /// <summary>Folds the partial buffer <paramref name="other"/> into <paramref name="buffer"/>.</summary>
    void Merge(object?[] buffer, int offset, object?[] other, int otherOffset);

    object? Evaluate(object?[] buffer, int offset);
}
