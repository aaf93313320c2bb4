using Sluice.Data;
using Sluice.Connectors.ConsoleSink;

namespace Sluice.Tests.Sinks;

public class ConsoleTableTests
{
    private static readonly StreamSchema Schema = new([new Column("id", DataType.Int), new Column("name", DataType.String), new Column("ts", DataType.Timestamp)]);

    [Fact]
    public void Format_LaysRowsOutAsSparkShowDoes()
    {
        var text = ConsoleTable.Format(Schema, [[1, "bob", new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc)], [22, null, null]], 20);

        Assert.Equal(
            "+---+----+-------------------+\n" +
            "| id|name|                 ts|\n" +
            "+---+----+-------------------+\n" +
            "|  1| bob|2024-01-02 03:04:05|\n" +
            "| 22|null|               null|\n" +
            "+---+----+-------------------+\n", text);
    }

    [Fact]
    public void Format_MoreRowsThanShown_SaysSoAndCutsLongCells()
    {
        var text = ConsoleTable.Format(Schema, [[1, new string('x', 30), null], [2, "b", null]], 1);

        Assert.Contains("|xxxxxxxxxxxxxxxxx...|", text, StringComparison.Ordinal);
        Assert.EndsWith("only showing top 1 rows\n", text, StringComparison.Ordinal);
    }
}
