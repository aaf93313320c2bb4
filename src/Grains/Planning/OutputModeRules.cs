using Sluice.Operators;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>Spark's rules for output modes (UnsupportedOperationChecker), with its messages and a way out.</summary>
internal static class OutputModeRules
{
    /// <summary>Checks a query's stateful operators, in the order they run (<paramref name="before"/>: those whose rows reach operator k).</summary>
    public static void Check(QuerySpec spec, IReadOnlyList<IStatefulOperator> operators, Func<int, IEnumerable<IStatefulOperator>> before)
    {
        if (operators.Count > 1)
        {
            ChainRules.Check(spec, operators, before);
            return;
        }
        Check(spec, operators.Count == 1 ? operators[0] : null);
    }

    public static void Check(QuerySpec spec, IStatefulOperator? stateful)
    {
        var mode = spec.OutputMode;
        switch (stateful)
        {
            case null or DeduplicateOperator or Operators.Join.StreamJoinOperator when mode == OutputMode.Complete:
                throw QueryPlanner.Invalid("$.outputMode",
                    "Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets; use append or update");
            case AggregationOperator { HasWatermarkOnKey: false } when mode == OutputMode.Append:
                throw QueryPlanner.Invalid("$.outputMode",
                    "Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets without watermark; " +
                    "add withWatermark on the event-time column and group by a window of it (or by that column), or use update or complete mode");
            case SessionWindowOperator { HasWatermarkOnKey: false } when mode == OutputMode.Append:
                throw QueryPlanner.Invalid("$.outputMode",
                    "Append output mode not supported when there are streaming aggregations on streaming DataFrames/DataSets without watermark; " +
                    "add withWatermark on the session_window's time column, or use complete mode (update mode is not supported for session windows)");
            case GroupsWithStateOperator g:
                CheckGroupsWithState(spec, g);
                break;
            case Operators.Join.StreamJoinOperator when mode != OutputMode.Append:
                throw QueryPlanner.Invalid("$.outputMode",
                    ChainRules.JoinNotInAppendMode(mode));
        }
    }

    internal static void CheckGroupsWithState(QuerySpec spec, GroupsWithStateOperator g)
    {
        var mode = spec.OutputMode;
        if (g.Spec.FlatMap && g.Spec.OutputMode == OutputMode.Complete)
        {
            // Spark refuses it when the Dataset is built: the function's output is added to, never replaced.
            throw QueryPlanner.Invalid($"$.operators[{g.Index}].outputMode", "The output mode of function should be append or update");
        }
        if (g.Spec.FlatMap && mode == OutputMode.Complete)
        {
            // Without an aggregation there is no result table to rewrite: a complete-mode sink would hold only the last batch.
            throw QueryPlanner.Invalid("$.outputMode",
                "Complete output mode not supported when there are no streaming aggregations on streaming DataFrames/Datasets; " +
                "use the flatMapGroupsWithState's own outputMode (append or update)");
        }
        if (!g.Spec.FlatMap && mode != OutputMode.Update)
        {
            throw QueryPlanner.Invalid("$.outputMode", $"mapGroupsWithState is not supported with {mode} output mode on a streaming DataFrame/Dataset; use update");
        }
        if (g.Spec.FlatMap && g.Spec.OutputMode != mode)
        {
            throw QueryPlanner.Invalid($"$.operators[{g.Index}].outputMode",
                $"flatMapGroupsWithState in {g.Spec.OutputMode} mode is not supported with {mode} output mode on a streaming DataFrame/Dataset; make the two modes the same");
        }
    }

}
