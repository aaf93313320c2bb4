namespace Sluice.Tests.Expressions;

public class LogicTests
{
    public static readonly TheoryData<string, string, bool?, bool?> TruthTable = new()
    {
        { "TRUE", "TRUE", true, true },
        { "TRUE", "FALSE", false, true },
        { "TRUE", "NULL", null, true },
        { "FALSE", "TRUE", false, true },
        { "FALSE", "FALSE", false, false },
        { "FALSE", "NULL", false, null },
        { "NULL", "TRUE", null, true },
        { "NULL", "FALSE", false, null },
        { "NULL", "NULL", null, null },
    };

    [Theory]
    [MemberData(nameof(TruthTable))]
    public void AndOr_OnLiterals_FollowThreeValuedLogic(string a, string b, bool? and, bool? or)
    {
        Assert.Equal(and, Eval.Value($"{a} AND {b}"));
        Assert.Equal(or, Eval.Value($"{a} OR {b}"));
    }

    [Theory]
    [MemberData(nameof(TruthTable))]
    public void AndOr_OnColumns_FollowThreeValuedLogic(string a, string b, bool? and, bool? or)
    {
        static string Column(string value) => value switch
        {
            "TRUE" => "flag",
            "FALSE" => "NOT flag",
            _ => "unknown",
        };
        Assert.Equal(and, Eval.Value($"{Column(a)} AND {Column(b)}"));
        Assert.Equal(or, Eval.Value($"{Column(a)} OR {Column(b)}"));
    }

    [Theory]
    [InlineData("NOT flag", false)]
    [InlineData("NOT NOT flag", true)]
    [InlineData("NOT unknown", null)]
    [InlineData("NOT NULL", null)]
    public void Not_OfNull_IsNull(string expression, bool? expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("missing IS NULL", true)]
    [InlineData("id IS NULL", false)]
    [InlineData("missing IS NOT NULL", false)]
    [InlineData("name IS NOT NULL", true)]
    [InlineData("NULL IS NULL", true)]
    [InlineData("id / 0 IS NULL", true)]
    [InlineData("window IS NOT NULL", true)]
    public void IsNull_IsNeverNull(string expression, bool expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("id IN (1, 7)", true)]
    [InlineData("id IN (1, 2)", false)]
    [InlineData("id IN (1, NULL)", null)]
    [InlineData("id IN (7, NULL)", true)]
    [InlineData("missing IN (1, 2)", null)]
    [InlineData("id NOT IN (1, 2)", true)]
    [InlineData("id NOT IN (1, NULL)", null)]
    [InlineData("id NOT IN (7, 8)", false)]
    [InlineData("name IN ('Alice', 'Bob')", true)]
    [InlineData("id IN (7.0, 8.5)", true)]
    [InlineData("id IN ('7', '8')", true)]
    [InlineData("id IN (big, 7)", true)]
    [InlineData("id IN (big, missing)", null)]
    [InlineData("id IN (big, amount)", false)]
    public void In_FollowsSqlNullSemantics(string expression, bool? expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("id BETWEEN 1 AND 10", true)]
    [InlineData("id BETWEEN 7 AND 7", true)]
    [InlineData("id BETWEEN 8 AND 10", false)]
    [InlineData("id NOT BETWEEN 1 AND 10", false)]
    [InlineData("missing BETWEEN 1 AND 2", null)]
    [InlineData("id BETWEEN 8 AND missing", false)]
    [InlineData("amount BETWEEN id - 5 AND id", true)]
    [InlineData("ts BETWEEN '2024-01-01' AND '2024-01-02'", true)]
    public void Between_IsInclusive(string expression, bool? expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("name LIKE 'A%'", true)]
    [InlineData("name LIKE 'a%'", false)]
    [InlineData("name LIKE '_lice'", true)]
    [InlineData("name LIKE '%li%'", true)]
    [InlineData("name LIKE '%e'", true)]
    [InlineData("name LIKE 'Alice_'", false)]
    [InlineData("name LIKE '%'", true)]
    [InlineData("'' LIKE '%'", true)]
    [InlineData("'aXbXc' LIKE 'a%b%c'", true)]
    [InlineData("'abcbd' LIKE 'a%b_'", true)]
    [InlineData(@"'a_c' LIKE 'a\_c'", true)]
    [InlineData(@"'abc' LIKE 'a\_c'", false)]
    [InlineData("'100%' LIKE '100!%' ESCAPE '!'", true)]
    [InlineData("name NOT LIKE 'A%'", false)]
    [InlineData("nothing LIKE 'x'", null)]
    [InlineData("name LIKE NULL", null)]
    [InlineData("id LIKE '7'", true)]
    [InlineData("name LIKE concat(substring(name, 1, 1), '%')", true)]
    [InlineData("name LIKE concat(substring(name, 2, 1), '%')", false)]
    [InlineData("name LIKE concat(nothing, '%')", null)]
    public void Like_MatchesPercentAndUnderscore(string expression, bool? expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("id AND flag", "the left operand of AND must be of type boolean, but 'id' is of type int in 'id AND flag'")]
    [InlineData("flag OR 'x'", "the right operand of OR must be of type boolean, but ''x'' is of type string in 'flag OR 'x''")]
    [InlineData("NOT id", "the operand of NOT must be of type boolean, but 'id' is of type int in 'NOT id'")]
    [InlineData("ts IN (1, 2)", "cannot compare timestamp with int ('1') in 'ts IN (1, 2)'")]
    [InlineData("name LIKE 'a!b' ESCAPE '!'", "the escape character is not allowed to precede 'b' in the pattern 'a!b' in 'name LIKE 'a!b' ESCAPE '!''")]
    [InlineData("window LIKE 'a'", "the left operand of LIKE must be of type string, but 'window' is of type struct<start:timestamp,end:timestamp> in 'window LIKE 'a''")]
    public void Logic_OnWrongTypes_IsACompileError(string expression, string message) => Assert.Equal(message, Eval.Error(expression));
}
