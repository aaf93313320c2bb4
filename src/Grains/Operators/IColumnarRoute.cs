using Sluice.Columnar;
using Sluice.Planning;

namespace Sluice.Operators;

/// <summary>
/// A stateful operator whose agent side also runs on columns: it keys (and pre-aggregates) a columnar batch for its
/// key groups without making rows. Whether it can is known when the plan is made (<see cref="RoutesColumns"/>: every
/// key and aggregate has a kernel); when it cannot, the agent turns the batch into rows for
/// <see cref="IStatefulOperator.Route"/>. The output must be the same either way.
/// </summary>
internal interface IColumnarRoute
{
    /// <summary>Whether <see cref="Route"/> handles every batch of this plan.</summary>
    bool RoutesColumns { get; }

    /// <summary>
    /// The columns of the operator's input (<see cref="StatefulStage.InputSchema"/>) that <see cref="Route"/> reads: a
    /// plan that is columnar up to here reads only the source columns these come from.
    /// </summary>
    IReadOnlyCollection<int> InputColumns { get; }

    /// <summary>Routes the batch's selected rows as <see cref="IStatefulOperator.Route"/> would.</summary>
    void Route(ColumnBatch batch, BatchContext context, KeyGroupRouter output, LateRowSet late);
}
