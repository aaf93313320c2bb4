using System.Globalization;
using Sluice.Data;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Connectors.Rate;

/// <summary>Spark's <c>rate</c> source: <c>rowsPerSecond</c> rows a second of <c>(timestamp, value)</c>.</summary>
internal sealed class RateSourceConnector : ISourceConnector
{
    /// <summary>Spark's rate source: <c>timestamp</c>, <c>value</c>.</summary>
    public static readonly StreamSchema RateSchema = new([new Column("timestamp", DataType.Timestamp), new Column("value", DataType.Long)]);

    public string Kind => "rate";

    public void Validate(SourceSpec spec, string path)
    {
        SourceSchema.RequireKnownSettings(spec, path, this);
        SourceSchema.RefuseSchema(spec, path, "RateStreamProvider", RateSchema);
    }

    public StreamSchema Schema(SourceSpec spec) => RateSchema;

    public IStreamSource CreateSource(SourceContext context) =>
        new RateStreamSource(context.Checkpoint, context.SourceIndex, context.Spec.RowsPerSecond, context.Time);

    public IPartitionReader CreateReader(ReaderContext context) =>
        new RatePartitionReader(long.Parse(context.PlanningContext!, CultureInfo.InvariantCulture), context.Spec.RowsPerSecond);
}
