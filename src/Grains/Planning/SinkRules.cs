using Sluice.Data;
using Sluice.Expressions;
using Sluice.Processing;
using Sluice.Spec;

namespace Sluice.Planning;

/// <summary>What a sink needs of the query, checked at start: the output mode, the key expression, the handler.</summary>
internal static class SinkRules
{
    public static void Check(QuerySpec spec, StreamSchema output)
    {
        var sink = spec.Sink;
        switch (sink.Kind)
        {
            case "parquet" or "json" when spec.OutputMode != OutputMode.Append:
                throw QueryPlanner.Invalid("$.outputMode",
                    $"Data source {sink.Kind} does not support {spec.OutputMode} output mode; file sinks only append (write the result to a memory, kafka or foreachBatch sink instead)");
            case "parquet":
                try
                {
                    Sinks.Files.ParquetDataFile.Validate(output);
                }
                catch (NotSupportedException e)
                {
                    throw QueryPlanner.Invalid("$.sink", e.Message);
                }
                break;
            case "kafka" when sink.Key is { } key:
                QueryPlanner.Compile("$.sink.key", () => ExpressionCompiler.Compile(key, output));
                break;
            case "foreachBatch":
                try
                {
                    ProcessorRegistry.ResolveHandler(sink.Handler!);
                }
                catch (KeyNotFoundException e)
                {
                    throw QueryPlanner.Invalid("$.sink.handler", e.Message);
                }
                break;
        }
    }
}
