using Sluice.Columnar;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Expressions;
using Sluice.Planning;

namespace Sluice.Tests.Columnar;

/// <summary>The columnar filter, select and withWatermark against the row operators, on random batches.</summary>
public class KernelOperatorTests
{
    private static readonly StreamSchema Schema = KernelRandomData.Schema;

    [Theory]
    [InlineData("i > 3")]
    [InlineData("s = 'abc' OR s IS NULL")]
    [InlineData("NOT (b AND c)")]
    [InlineData("CAST(s AS double) < d")]
    [InlineData("s LIKE 'a%' OR length(u) = 3")]
    [InlineData("NULL")]
    [InlineData("true")]
    public void Filter_OnColumns_KeepsTheRowsTheRowFilterKeeps(string condition)
    {
        var filter = new FilterOperator(ExpressionCompiler.CompilePredicate(condition, Schema), Schema);
        Assert.True(filter.IsColumnar);
        var data = new KernelRandomData(condition.Length);
        var batch = new ColumnBatch(Schema);
        for (var round = 0; round < 5; round++)
        {
            var rows = data.Rows(200);
            data.Fill(batch, rows);
            var expected = KernelRandomData.Selected(batch, rows);
            filter.Apply(expected, Context());
            var output = filter.Apply(batch, Context());
            AssertRows(expected, output);
        }
    }

    [Fact]
    public void Project_OnColumns_GivesTheRowProjection_AndKeepsTheSelection()
    {
        string[] select = ["i", "s AS name", "i * 2 + l", "upper(s)", "CAST(t AS string)", "d > e", "w.end", "CASE WHEN b THEN s END", "NULL"];
        var columns = select.Select(c => ExpressionCompiler.CompileNamed(c, Schema)).ToList();
        var project = new ProjectOperator(columns, Schema);
        var data = new KernelRandomData(5);
        var batch = new ColumnBatch(Schema);
        for (var round = 0; round < 5; round++)
        {
            var rows = data.Rows(100);
            data.Fill(batch, rows);
            var expected = KernelRandomData.Selected(batch, rows);
            project.Apply(expected, Context());
            var output = project.Apply(batch, Context());
            Assert.Equal(columns.Select(c => c.Name), output.Schema.Columns.Select(c => c.Name));
            Assert.Same(batch.Column(0), output.Column(0));
            AssertRows(expected, output);
        }
    }

    [Fact]
    public void FilterProjectWatermarkChain_OnColumns_MatchesRows_WithTheSameEventTimeStats()
    {
        var afterProject = new StreamSchema([new Column("time", DataType.Timestamp), new Column("n", DataType.Int)]);
        IColumnarOperator[] chain =
        [
            new FilterOperator(ExpressionCompiler.CompilePredicate("i IS NOT NULL AND i % 2 = 0", Schema), Schema),
            new ProjectOperator([ExpressionCompiler.CompileNamed("t AS time", Schema), ExpressionCompiler.CompileNamed("i + 1 AS n", Schema)], Schema),
            new WatermarkOperator(0),
            new FilterOperator(ExpressionCompiler.CompilePredicate("n > 0", afterProject), afterProject),
        ];
        var data = new KernelRandomData(11);
        var batch = new ColumnBatch(Schema);
        for (var round = 0; round < 5; round++)
        {
            var rows = data.Rows(300);
            data.Fill(batch, rows);
            var expected = KernelRandomData.Selected(batch, rows);
            var rowContext = Context();
            var columnContext = Context();
            var output = batch;
            foreach (var op in chain)
            {
                op.Apply(expected, rowContext);
                output = op.Apply(output, columnContext);
            }
            AssertRows(expected, output);
            AssertStats(rowContext.EventTime, columnContext.EventTime);
        }
    }

    [Fact]
    public void Watermark_OnColumns_SkipsNullsAndUnselectedRows()
    {
        var schema = new StreamSchema([new Column("t", DataType.Timestamp)]);
        var t = new DateTime(2024, 1, 1, 0, 0, 1, DateTimeKind.Utc);
        var batch = ColumnBatch.FromRows(schema, [[t], [null], [t.AddSeconds(10)], [t.AddSeconds(-5).AddTicks(-1)]]);
        var selection = batch.SelectionBuffer();
        selection[0] = 0;
        selection[1] = 1;
        selection[2] = 3;
        batch.SetSelection(3);
        var context = Context();
        new WatermarkOperator(0).Apply(batch, context);
        Assert.Equal(2, context.EventTime.Count);
        Assert.Equal((long)(t - DateTime.UnixEpoch).TotalMilliseconds, context.EventTime.MaxMs);
        Assert.Equal((long)(t.AddSeconds(-5).AddTicks(-1) - DateTime.UnixEpoch).TotalMilliseconds, context.EventTime.MinMs);
    }

    [Fact]
    public void QueryPlan_TryApplyPrefix_RunsAColumnarPrefix_AndDeclinesOneWithARowOnlyOperator()
    {
        var source = new Sluice.Spec.SourceSpec { Kind = "memory" };
        var columnar = new StreamPlan(0, source, Schema, [new FilterOperator(ExpressionCompiler.CompilePredicate("i > 0", Schema), Schema)], null);
        var rowOnly = new StreamPlan(1, source, Schema, [new FilterOperator(ExpressionCompiler.CompilePredicate("i > 0", Schema))], null);
        var plan = new QueryPlan(new Sluice.Spec.QuerySpec { Name = "q", Source = source, Sink = new Sluice.Spec.SinkSpec { Kind = "memory" } }, [columnar, rowOnly], [], [-1, -1], Schema);
        var rows = new KernelRandomData(3).Rows(50);
        var batch = ColumnBatch.FromRows(Schema, rows);
        Assert.Null(plan.TryApplyPrefix(1, batch, Context()));
        Assert.False(batch.HasSelection);
        var output = plan.TryApplyPrefix(0, batch, Context());
        Assert.NotNull(output);
        Assert.Equal(rows.Count(r => r[0] is int i && i > 0), output.SelectedCount);
    }

    private static BatchContext Context() => new(batchId: 1, watermarkMs: 0, batchTimestampMs: 0);

    private static void AssertStats(EventTimeStats expected, EventTimeStats actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.MinMs, actual.MinMs);
        Assert.Equal(expected.MaxMs, actual.MaxMs);
        Assert.Equal(expected.SumMs, actual.SumMs);
    }

    private static void AssertRows(List<object?[]> expected, ColumnBatch output)
    {
        var actual = new List<object?[]>();
        output.AppendRowsTo(actual);
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }
}
