using Sluice.Data;
using Sluice.Expressions;
using Sluice.Operators.Join;

namespace Sluice.Tests.Operators;

/// <summary>
/// A join key whose sides have different types compares as Spark's analyzer makes it compare: both sides cast to the
/// comparison's type before <c>ExtractEquiJoinKeys</c> (StreamingQueryOptimizationCorrectnessSuite "SPARK-48267": an int
/// stream column joined with a bigint table column).
/// </summary>
public sealed class JoinKeyCoercionTests
{
    private static JoinCondition Analyze(string condition, DataType left, DataType right) =>
        JoinCondition.Analyze(condition, new StreamSchema([new Column("code", left)]), new StreamSchema([new Column("ref_code", right)]), streaming: false);

    [Fact]
    public void IntKey_MatchesEqualBigintKey()
    {
        var condition = Analyze("code = ref_code", DataType.Int, DataType.Long);

        Assert.Equal(condition.KeyOf(1, [1L]), condition.KeyOf(0, [1]));
        Assert.NotEqual(condition.KeyOf(1, [2L]), condition.KeyOf(0, [1]));
    }

    [Fact]
    public void IntKey_MatchesEqualDoubleKey_OnEitherSide()
    {
        var condition = Analyze("ref_code = code", DataType.Double, DataType.Int);

        Assert.Equal(condition.KeyOf(1, [3]), condition.KeyOf(0, [3.0]));
    }

    [Fact]
    public void StringKey_IsCastToTheOtherSidesType()
    {
        var condition = Analyze("code = ref_code", DataType.String, DataType.Long);

        Assert.Equal(condition.KeyOf(1, [7L]), condition.KeyOf(0, ["7"]));
        Assert.Null(condition.KeyOf(0, ["seven"]));
    }

    [Fact]
    public void KeysThatCannotBeCompared_AreRefusedNamingTheFix()
    {
        var error = Assert.Throws<ExpressionException>(() => Analyze("code = ref_code", DataType.Boolean, DataType.Int));

        Assert.Contains("cannot be compared", error.Message);
        Assert.Contains("cast one side", error.Message);
    }
}
