namespace Sluice.Processing;

/// <summary>
/// A processor for <c>flatMapGroupsWithState</c>/<c>mapGroupsWithState</c>, referenced by <see cref="Name"/> in a
/// query spec. Sluice finds them in the silo's assemblies and in its plugin folder. Its state is stored as JSON with
/// <see cref="StateVersion"/>; restarting a query with another state type or version fails at start.
/// </summary>
public interface IStatefulProcessor
{
    /// <summary>The name specs use (<c>"processor": "RunningCount"</c>).</summary>
    string Name { get; }

    /// <summary>Output columns: name and Spark type (<c>string</c>, <c>int</c>, <c>bigint</c>, <c>double</c>, <c>boolean</c>, <c>timestamp</c>).</summary>
    IReadOnlyList<(string Name, string Type)> OutputColumns { get; }

    Type StateType { get; }

    /// <summary>Bump when the state's shape changes incompatibly.</summary>
    int StateVersion { get; }
}

/// <summary>Base class for processors with a state of type <typeparamref name="TState"/> (serialized as JSON).</summary>
public abstract class StatefulProcessor<TState> : IStatefulProcessor
{
    public abstract string Name { get; }

    public abstract IReadOnlyList<(string Name, string Type)> OutputColumns { get; }

    public Type StateType => typeof(TState);

    public virtual int StateVersion => 1;

    /// <summary>
    /// Called once per key per batch with all its rows, or with no rows and <see cref="GroupState{TState}.HasTimedOut"/>
    /// when its timeout fires. <paramref name="key"/> holds the grouping values in the order of the op's <c>keys</c>.
    /// Returns output rows laid out by <see cref="OutputColumns"/>.
    /// </summary>
    public abstract IEnumerable<object?[]> Process(object?[] key, IReadOnlyList<InputRow> rows, GroupState<TState> state);
}
