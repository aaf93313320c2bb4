using Sluice.Contracts;
using Sluice.Operators;
using Sluice.Operators.Join;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>
/// Which chains of stateful operators a query may have, and in which output modes: Spark 3.5's
/// <c>UnsupportedOperationChecker</c> (<c>checkForStreaming</c>, then <c>checkStreamingQueryGlobalWatermarkLimit</c>),
/// with its messages. In short: in append mode any chain of aggregations with a watermark, deduplications,
/// stream-stream joins and append-mode flatMapGroupsWithState; no stateful operator after an aggregation in update
/// or complete mode, or after a groups-with-state operator with an event-time timeout.
/// </summary>
internal static class ChainRules
{
    /// <summary>Spark's message for a chain whose later operator would see the earlier one's output as late rows.</summary>
    public const string CorrectnessIssue =
        "Detected pattern of possible 'correctness' issue due to global watermark. The query contains stateful operation which can emit rows older than " +
        "the current watermark plus allowed late record delay, which are \"late rows\" in downstream stateful operations and these rows can be discarded. " +
        "Please refer the programming guide doc for more details.";

    /// <param name="operators">The stateful operators in the order they run, from the sources to the sink.</param>
    /// <param name="before">Those whose rows reach operator k (Spark's subplan below it).</param>
    public static void Check(QuerySpec spec, IReadOnlyList<IStatefulOperator> operators, Func<int, IEnumerable<IStatefulOperator>> before)
    {
        var mode = spec.OutputMode;
        var groupsWithState = operators.OfType<GroupsWithStateOperator>().ToList();
        var mapGroups = groupsWithState.Where(g => !g.Spec.FlatMap).ToList();
        var flatMapGroups = groupsWithState.Where(g => g.Spec.FlatMap).ToList();
        if (mapGroups.Count >= 2)
        {
            throw Invalid("Multiple mapGroupsWithStates are not supported on a streaming DataFrames/Datasets; " +
                "keep one, or use flatMapGroupsWithStates, all with outputMode append, in an append-mode query");
        }
        if (mapGroups.Count > 0 && flatMapGroups.Count > 0)
        {
            throw Invalid("Mixing mapGroupsWithStates and flatMapGroupsWithStates are not supported on a streaming DataFrames/Datasets; " +
                "write the mapGroupsWithState as a flatMapGroupsWithState, all with outputMode append, in an append-mode query");
        }
        if (flatMapGroups.Count >= 2 && (mode != OutputMode.Append || flatMapGroups.Any(g => g.Spec.OutputMode != OutputMode.Append)))
        {
            throw Invalid("Multiple flatMapGroupsWithStates are not supported when they are not all in append mode or the output mode is not append on a streaming DataFrames/Datasets; " +
                "set every flatMapGroupsWithState's outputMode and the query's outputMode to append");
        }
        var aggregations = operators.Where(IsAggregation).ToList();
        CheckOutputMode(mode, aggregations);
        foreach (var g in groupsWithState)
        {
            CheckGroupsWithState(spec, g, aggregations.Count > 0);
        }
        if (operators.OfType<StreamJoinOperator>().Any() && mode != OutputMode.Append)
        {
            throw Invalid(JoinNotInAppendMode(mode));
        }
        for (var i = 1; i < operators.Count; i++)
        {
            if (IsStatefulOperation(operators[i]) && before(i).Any(b => CannotBeFollowedByStatefulOperation(b, mode)))
            {
                // Spark before 3.5 said it in its own words for two aggregations; both are given, so either is found.
                var aggregationsToo = aggregations.Count > 1 && mode != OutputMode.Append
                    ? " Multiple streaming aggregations are not supported with streaming DataFrames/Datasets for Update and Complete mode; only Append mode is supported."
                    : "";
                throw Invalid(CorrectnessIssue + aggregationsToo +
                    $" Here '{operators[i].Name}' (operator {operators[i].Index}) follows an operator whose output it could drop; in this build the check cannot be turned off: " +
                    "use append output mode, or split the query in two");
            }
        }
    }

    private static void CheckOutputMode(OutputMode mode, List<IStatefulOperator> aggregations)
    {
        switch (mode)
        {
            case OutputMode.Append when aggregations.Count > 0 && !HasWatermarkOnKey(aggregations[^1]):
                // As Spark, the aggregation nearest the sink (the first its plan collects) must be able to close groups.
                throw Invalid("Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets without watermark; " +
                    "group the last aggregation by a window of the event-time column (window(window_time(window), ...) after a windowed aggregation), or use update or complete mode");
            case OutputMode.Complete when aggregations.Count == 0:
                throw Invalid("Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets; use append or update");
        }
    }

    private static void CheckGroupsWithState(QuerySpec spec, GroupsWithStateOperator g, bool withAggregation)
    {
        var mode = spec.OutputMode;
        if (!g.Spec.FlatMap)
        {
            if (withAggregation)
            {
                throw Invalid("mapGroupsWithState is not supported with aggregation on a streaming DataFrame/Dataset; " +
                    "use flatMapGroupsWithState with outputMode append instead");
            }
            OutputModeRules.CheckGroupsWithState(spec, g);
            return;
        }
        if (g.Spec.OutputMode == OutputMode.Complete)
        {
            throw QueryPlanner.Invalid($"$.operators[{g.Index}].outputMode", "The output mode of function should be append or update");
        }
        if (!withAggregation)
        {
            if (g.Spec.OutputMode != mode)
            {
                throw Invalid($"flatMapGroupsWithState in {g.Spec.OutputMode} mode is not supported with {mode} output mode on a streaming DataFrame/Dataset; " +
                    "give the flatMapGroupsWithState and the query the same outputMode");
            }
            return;
        }
        if (g.Spec.OutputMode == OutputMode.Update)
        {
            throw Invalid("flatMapGroupsWithState in update mode is not supported with aggregation on a streaming DataFrame/Dataset; " +
                "set the flatMapGroupsWithState's outputMode to append");
        }
    }

    private static bool IsAggregation(IStatefulOperator op) => op is AggregationOperator or SessionWindowOperator;

    private static bool HasWatermarkOnKey(IStatefulOperator op) => op switch
    {
        AggregationOperator a => a.HasWatermarkOnKey,
        SessionWindowOperator s => s.HasWatermarkOnKey,
        _ => true,
    };

    /// <summary>Spark's <c>isStatefulOperation</c>: a deduplication counts only with an event-time column among its keys (or within the watermark).</summary>
    private static bool IsStatefulOperation(IStatefulOperator op) => op switch
    {
        DeduplicateOperator d => d.HasEventTime,
        _ => true,
    };

    /// <summary>Spark's <c>ifCannotBeFollowedByStatefulOperation</c>.</summary>
    private static bool CannotBeFollowedByStatefulOperation(IStatefulOperator op, OutputMode mode) => op switch
    {
        GroupsWithStateOperator g => g.Spec.Timeout == "eventTime",
        AggregationOperator or SessionWindowOperator => mode != OutputMode.Append,
        _ => false,
    };

    private static QueryStartException Invalid(string problem) => QueryPlanner.Invalid("$.outputMode", problem);

    /// <summary>
    /// Spark's refusal of a stream-stream join in update or complete mode, with the fix: a join's rows are final once
    /// emitted, so what follows it must be appended too (Nexmark q4's running average per category cannot follow one).
    /// </summary>
    internal static string JoinNotInAppendMode(OutputMode mode) =>
        $"Join between two streaming DataFrames/Datasets is not supported in {mode} output mode, only in Append output mode; " +
        "use append mode: an aggregation after the join then needs withWatermark on an event-time column and a window of it " +
        "(or that column) among its keys, so each result is emitted once, when the watermark passes it (a result revised " +
        "after it is emitted, such as a running average over all time, cannot follow a stream-stream join)";
}
