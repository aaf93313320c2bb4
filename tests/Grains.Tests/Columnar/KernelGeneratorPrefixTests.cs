using Sluice.Columnar;
using Sluice.Connectors.Generator;
using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Tests.Columnar;

/// <summary>
/// A planned prefix on the generator's columnar read gives what the same prefix gives on the generator's rows, as a
/// partition agent runs either: the same rows and the same event-time stats.
/// </summary>
public class KernelGeneratorPrefixTests
{
    [Fact]
    public async Task GeneratorPrefix_OnColumns_MatchesTheRowPath()
    {
        var spec = SpecReader.Read("""
            {
              "name": "prefix",
              "source": {"kind": "generator", "options": {"events": "20000", "partitions": "2"}},
              "operators": [
                {"op": "select", "columns": ["user_id", "upper(event_type) AS kind", "amount * 2 AS doubled", "event_time", "substring(product_id, 2) AS product", "event_id LIKE 'e1%' AS early"]},
                {"op": "filter", "condition": "kind <> 'VIEW' AND (doubled > 20 OR early)"},
                {"op": "withWatermark", "column": "event_time", "delay": "10 seconds"},
                {"op": "filter", "condition": "product BETWEEN '1' AND '5'"}
              ],
              "sink": {"kind": "memory"},
              "outputMode": "append"
            }
            """);
        var plan = QueryPlanner.Plan(spec, Sluice.Connectors.BuiltInConnectors.CreateRegistry());
        Assert.True(plan.Streams[0].PrefixIsColumnar);
        Assert.Null(plan.Streams[0].ColumnsRead);
        var reader = new GeneratorPartitionReader(1, 2);
        var batch = new ColumnBatch(plan.Streams[0].SourceSchema);
        for (long start = 0; start < 10_000; start += 2_500)
        {
            var rows = new List<object?[]>();
            await reader.ReadAsync(start, start + 2_500, rows, CancellationToken.None);
            var rowContext = new BatchContext(1, 0, 0);
            plan.ApplyPrefix(0, rows, rowContext);

            batch.Reset();
            await reader.ReadColumnsAsync(start, start + 2_500, batch, CancellationToken.None);
            var columnContext = new BatchContext(1, 0, 0);
            var output = plan.TryApplyPrefix(0, batch, columnContext);
            Assert.NotNull(output);
            var columnRows = new List<object?[]>();
            output.AppendRowsTo(columnRows);

            Assert.NotEmpty(rows);
            Assert.Equal(rows, columnRows);
            Assert.Equal(rowContext.EventTime.Count, columnContext.EventTime.Count);
            Assert.Equal(rowContext.EventTime.MaxMs, columnContext.EventTime.MaxMs);
            Assert.Equal(rowContext.EventTime.SumMs, columnContext.EventTime.SumMs);
        }
    }
}
