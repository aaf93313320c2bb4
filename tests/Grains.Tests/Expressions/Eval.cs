using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Tests.Expressions;

/// <summary>One input schema and row shared by the expression tests.</summary>
internal static class Eval
{
    public static readonly DateTime Ts = new(2024, 1, 1, 0, 0, 7, DateTimeKind.Utc);

    public static readonly StreamSchema Schema = new(
    [
        new Column("id", DataType.Int),
        new Column("big", DataType.Long),
        new Column("amount", DataType.Double),
        new Column("name", DataType.String),
        new Column("flag", DataType.Boolean),
        new Column("ts", DataType.Timestamp),
        new Column("missing", DataType.Int),
        new Column("nothing", DataType.String),
        new Column("unknown", DataType.Boolean),
        new Column("window", DataType.Window),
        new Column("weird name", DataType.Int),
    ]);

    public static object?[] Row() =>
    [
        7,
        10_000_000_000L,
        2.5,
        "Alice",
        true,
        Ts,
        null,
        null,
        null,
        new StructValue([Utc("2024-01-01 00:00:00"), Utc("2024-01-01 00:00:10")]),
        1,
    ];

    public static object? Value(string expression) => ExpressionCompiler.Compile(expression, Schema).Evaluate(Row());

    public static DataType TypeOf(string expression) => ExpressionCompiler.Compile(expression, Schema).Type;

    public static string Error(string expression) =>
        Assert.Throws<ExpressionException>(() => ExpressionCompiler.Compile(expression, Schema)).Message;

    public static DateTime Utc(string text) =>
        DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
}
