using Sluice.Columnar;

namespace Sluice.Planning;

/// <summary>
/// A prefix operator that also runs on a <see cref="ColumnBatch"/> (filter, select, withWatermark): the same rows and
/// event times as <see cref="IRowOperator.Apply"/>, without making rows.
/// </summary>
internal interface IColumnarOperator : IRowOperator
{
    /// <summary>Whether this instance runs on columns (it knows its input schema).</summary>
    bool IsColumnar { get; }

    /// <summary>Runs on the batch's selected rows; returns the batch (narrowed) or a new one (a projection's).</summary>
    ColumnBatch Apply(ColumnBatch batch, BatchContext context);

    /// <summary>The input columns it reads to give the output columns <paramref name="outputNeeded"/>; null when it cannot tell (read all).</summary>
    bool[]? InputColumns(bool[] outputNeeded);
}
