using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>A validated query: its source schema, its compiled operators and its output schema.</summary>
internal sealed class QueryPlan(QuerySpec spec, StreamSchema sourceSchema, IReadOnlyList<IRowOperator> operators, StreamSchema outputSchema, WithWatermarkSpec? watermark)
{
    public QuerySpec Spec { get; } = spec;

    public StreamSchema SourceSchema { get; } = sourceSchema;

    public IReadOnlyList<IRowOperator> Operators { get; } = operators;

    public StreamSchema OutputSchema { get; } = outputSchema;

    /// <summary>The stream's <c>withWatermark</c>, if any.</summary>
    public WithWatermarkSpec? Watermark { get; } = watermark;

    public void Apply(List<object?[]> rows, BatchContext context)
    {
        foreach (var op in Operators)
        {
            op.Apply(rows, context);
        }
    }
}
