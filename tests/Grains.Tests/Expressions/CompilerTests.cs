using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Tests.Expressions;

public class CompilerTests
{
    private static readonly StreamSchema Small = new([new Column("id", DataType.Int), new Column("name", DataType.String)]);

    [Fact]
    public void Compile_UnknownColumn_NamesItAndTheAvailableOnes()
    {
        var error = Assert.Throws<ExpressionException>(() => ExpressionCompiler.Compile("foo + 1", Small));
        Assert.Equal("unknown column 'foo' in 'foo + 1'; available columns: id, name", error.Message);
        Assert.Equal(0, error.Position);
    }

    [Fact]
    public void Compile_UnknownFunction_NamesItAndListsTheSupportedOnes()
    {
        var message = Assert.Throws<ExpressionException>(() => ExpressionCompiler.Compile("frobnicate(id)", Small)).Message;
        Assert.StartsWith("unknown function 'frobnicate' in 'frobnicate(id)'; supported functions: abs, array_contains, cardinality, ceil, ceiling, char_length, ", message);
        Assert.EndsWith(", upper, window_time, year", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("count(*) + 1", "aggregate function count(*) is not allowed here in 'count(*) + 1'; use a groupBy operator")]
    [InlineData("upper(max(name))", "aggregate function max(name) is not allowed here in 'upper(max(name))'; use a groupBy operator")]
    [InlineData("id AS x", "an alias ('AS x') is only allowed at the top of a select column in 'id AS x'")]
    [InlineData("rand()", "function rand() is not supported: it is non-deterministic, and a streaming query must compute the same rows when a batch is replayed in 'rand()'; use an event-time column instead")]
    public void Compile_ConstructOutsideItsContext_IsRejected(string expression, string message) =>
        Assert.Equal(message, Assert.Throws<ExpressionException>(() => ExpressionCompiler.Compile(expression, Small)).Message);

    [Fact]
    public void Compile_ErrorPosition_PointsAtTheOffendingNode()
    {
        var error = Assert.Throws<ExpressionException>(() => ExpressionCompiler.Compile("id + upper(nope)", Small));
        Assert.Equal(11, error.Position);
        Assert.Equal("id + upper(nope)", error.Expression);
    }

    [Theory]
    [InlineData("id + 1", "filter condition 'id + 1' is of type int, not boolean")]
    [InlineData("name", "filter condition 'name' is of type string, not boolean")]
    public void CompilePredicate_NonBoolean_IsRejected(string expression, string message) =>
        Assert.Equal(message, Assert.Throws<ExpressionException>(() => ExpressionCompiler.CompilePredicate(expression, Small)).Message);

    [Fact]
    public void CompilePredicate_IsTrue_TreatsNullAsFalse()
    {
        var filter = ExpressionCompiler.CompilePredicate("id > 1 AND name LIKE 'a%'", Small);
        Assert.True(filter.IsTrue([2, "ab"]));
        Assert.False(filter.IsTrue([2, "b"]));
        Assert.False(filter.IsTrue([2, null]));
        Assert.Null(filter.Evaluate([2, null]));
        Assert.False(ExpressionCompiler.CompilePredicate("NULL", Small).IsTrue([1, "a"]));
    }

    [Theory]
    [InlineData("id")]
    [InlineData("big")]
    [InlineData("amount")]
    [InlineData("ts")]
    [InlineData("window")]
    [InlineData("missing")]
    public void Compile_ColumnReference_PassesTheRowsValueOnWithoutBoxingItAgain(string column)
    {
        var row = Eval.Row();
        var value = ExpressionCompiler.Compile(column, Eval.Schema).Evaluate(row);
        Assert.Same(row[Eval.Schema.IndexOf(column)], value);
    }

    [Fact]
    public void Compile_ExpressionOverAColumn_StillEvaluatesTyped()
    {
        var row = Eval.Row();
        Assert.Equal(10_000_000_001L, ExpressionCompiler.Compile("big + 1", Eval.Schema).Evaluate(row));
        Assert.Equal(true, ExpressionCompiler.Compile("flag", Eval.Schema).Evaluate(row));
    }

    [Fact]
    public void Compile_FromSyntaxTree_CompilesAPartOfAParsedExpression()
    {
        var aggregate = Assert.IsType<AggregateCall>(ExpressionCompiler.Parse("sum(id * 2)"));
        var argument = ExpressionCompiler.Compile(aggregate.Argument!, Small, "sum(id * 2)");
        Assert.Equal(DataType.Int, argument.Type);
        Assert.Equal(6, argument.Evaluate([3, "x"]));
    }

    [Fact]
    public void Compile_SyntaxTreeWithoutText_QuotesItsSql()
    {
        var tree = ExpressionCompiler.Parse("upper(nope) || name");
        var error = Assert.Throws<ExpressionException>(() => ExpressionCompiler.Compile(tree, Small));
        Assert.Equal("unknown column 'nope' in 'concat(upper(nope), name)'; available columns: id, name", error.Message);
        Assert.Null(error.Position);
    }

    [Fact]
    public void Evaluate_HostileData_NeverThrows()
    {
        var schema = new StreamSchema([new Column("s", DataType.String), new Column("n", DataType.Long), new Column("d", DataType.Double)]);
        var expressions = new[]
        {
            "CAST(s AS int)", "CAST(s AS bigint)", "CAST(s AS double)", "CAST(s AS boolean)", "CAST(s AS timestamp)",
            "s + 1", "n / 0", "n % 0", "d % 0", "CAST(n AS timestamp)", "CAST(d AS timestamp)", "CAST(d AS int)",
            "CAST(s AS timestamp) + INTERVAL 1 DAY", "window(CAST(n AS timestamp), '1 hour')", "substring(s, n, n)",
            "to_timestamp(s, 'yyyy-MM-dd')", "unix_timestamp(s)", "from_unixtime(n)", "round(d, 2)", "floor(d)", "abs(n)",
            "s LIKE s", "date_trunc('week', CAST(n AS timestamp))", "timestamp_millis(n)", "n * n", "-n",
        };
        var values = new object?[][]
        {
            ["", long.MaxValue, double.NaN],
            ["9999-12-31 23:59:59", long.MinValue, double.PositiveInfinity],
            ["0001-01-01T00:00:00+05:00", 253_402_300_800L, -1e308],
            ["\\", -62_135_596_801L, double.Epsilon],
            ["99999999999999999999", 0L, 1e19],
            [null, null, null],
        };
        foreach (var expression in expressions)
        {
            var compiled = ExpressionCompiler.Compile(expression, schema);
            foreach (var row in values)
            {
                _ = compiled.Evaluate(row);
            }
        }
    }
}
