namespace Sluice.Processing;

/// <summary>
/// A processor written against C# types: keys as <typeparamref name="TKey"/> (a simple value for one key column, or a
/// positional record/anonymous type for several), rows as <typeparamref name="TIn"/>, output as
/// <typeparamref name="TOut"/>, whose public properties are the output columns (<see cref="TypedRows.Columns"/>).
/// The typed client's <c>FlatMapGroupsWithState(key, processor)</c> takes it; specs reference it by <see cref="StatefulProcessor{TState}.Name"/>.
/// </summary>
public abstract class StatefulProcessor<TKey, TIn, TState, TOut> : StatefulProcessor<TState>
{
    private IReadOnlyList<(string Name, string Type)>? _columns;

    /// <summary>The public properties of <typeparamref name="TOut"/>.</summary>
    public override IReadOnlyList<(string Name, string Type)> OutputColumns => _columns ??= TypedRows.Columns(typeof(TOut));

    /// <summary>Called as <see cref="StatefulProcessor{TState}.Process(object?[], IReadOnlyList{InputRow}, GroupState{TState})"/>, with typed key and rows.</summary>
    public abstract IEnumerable<TOut> Process(TKey key, IReadOnlyList<TIn> rows, GroupState<TState> state);

    /// <inheritdoc/>
    public sealed override IEnumerable<object?[]> Process(object?[] key, IReadOnlyList<InputRow> rows, GroupState<TState> state) =>
        Process(TypedRows.Key<TKey>(key), rows.Select(TypedRows.Read<TIn>).ToList(), state).Select(TypedRows.Write);
}
