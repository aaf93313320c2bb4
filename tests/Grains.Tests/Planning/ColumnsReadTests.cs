using Sluice.Columnar;
using Sluice.Data;
using Sluice.Operators;
using Sluice.Planning;
using Sluice.Spec;

namespace Sluice.Tests.Planning;

/// <summary><see cref="StreamPlan.ColumnsRead"/>: the columns a columnar route reads, mapped back through a columnar prefix.</summary>
public class ColumnsReadTests
{
    private static readonly StreamSchema Source = new(
    [
        new Column("a", DataType.Int),
        new Column("b", DataType.String),
        new Column("c", DataType.Double),
        new Column("t", DataType.Timestamp),
        new Column("e", DataType.String),
    ]);

    [Fact]
    public void ColumnarRoute_ReadsOnlyTheSourceColumnsItsInputComesFrom_ThroughSelectFilterAndWatermark()
    {
        var stream = Prefix();
        // Route reads 'key' (from b); the filter reads n (from a); the watermark reads time (from t); c and e are never read.
        var plan = stream.Build(new FakeRoute(true, [1]), stream.Schema);
        Assert.Equal([true, true, false, true, false], plan.ColumnsRead);
    }

    [Fact]
    public void RouteOnRows_OrNoRoute_ReadsEveryColumn()
    {
        var stream = Prefix();
        Assert.Null(stream.Build(new FakeRoute(false, [1]), stream.Schema).ColumnsRead);
        Assert.Null(stream.Build().ColumnsRead);
    }

    [Fact]
    public void PrefixWithARowOnlyOperator_ReadsEveryColumn()
    {
        var stream = Prefix();
        stream.Add(new RowOnly(), stream.Schema);
        Assert.Null(stream.Build(new FakeRoute(true, [1]), stream.Schema).ColumnsRead);
    }

    [Fact]
    public void RouteReadingEverything_ReadsEveryColumn_AndAnInputOfAnotherLayoutIsNotMapped()
    {
        var stream = new StreamBuilder(0, new SourceSpec { Kind = "memory" }, Source);
        Assert.Null(stream.Build(new FakeRoute(true, [0, 1, 2, 3, 4]), Source).ColumnsRead);
        Assert.Null(stream.Build(new FakeRoute(true, [0]), new StreamSchema([new Column("x", DataType.Int)])).ColumnsRead);
        Assert.Equal([false, false, true, false, false], stream.Build(new FakeRoute(true, [2]), Source).ColumnsRead);
    }

    private static StreamBuilder Prefix()
    {
        var stream = new StreamBuilder(0, new SourceSpec { Kind = "memory" }, Source);
        stream.Select("$.operators[0]", new SelectSpec(["t AS time", "upper(b) AS key", "a + 1 AS n", "c * 2 AS unused"]));
        stream.Filter("$.operators[1]", new FilterSpec("n > 0"));
        stream.WithWatermark("$.operators[2]", new WithWatermarkSpec("time", TimeSpan.FromSeconds(10)));
        return stream;
    }

    private sealed class FakeRoute(bool routesColumns, int[] columns) : IColumnarRoute
    {
        public bool RoutesColumns => routesColumns;

        public IReadOnlyCollection<int> InputColumns => columns;

        public void Route(ColumnBatch batch, BatchContext context, KeyGroupRouter output, LateRowSet late) => throw new NotSupportedException();
    }

    private sealed class RowOnly : IRowOperator
    {
        public void Apply(List<object?[]> rows, BatchContext context)
        {
        }
    }
}
