namespace Sluice.Tests.Expressions;

public class ConditionalTests
{
    [Theory]
    [InlineData("CASE WHEN id > 5 THEN 'big' ELSE 'small' END", "big")]
    [InlineData("CASE WHEN id > 10 THEN 'big' ELSE 'small' END", "small")]
    [InlineData("CASE WHEN id > 10 THEN 'big' END", null)]
    [InlineData("CASE WHEN id > 10 THEN 1 WHEN id > 5 THEN 2 ELSE 3 END", 2)]
    [InlineData("CASE WHEN unknown THEN 1 ELSE 2 END", 2)]
    [InlineData("CASE WHEN missing > 1 THEN 1 WHEN NULL THEN 2 ELSE 3 END", 3)]
    [InlineData("CASE id WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END", "seven")]
    [InlineData("CASE id WHEN 1 THEN 'one' ELSE 'other' END", "other")]
    [InlineData("CASE missing WHEN NULL THEN 'null' ELSE 'no match' END", "no match")]
    [InlineData("CASE name WHEN 'Alice' THEN id * 2 END", 14)]
    public void Case_TakesTheFirstTrueBranch(string expression, object? expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("CASE WHEN flag THEN 1 ELSE 2.5 END", 1.0, "double")]
    [InlineData("CASE WHEN flag THEN 1 ELSE big END", 1L, "bigint")]
    [InlineData("CASE WHEN flag THEN id ELSE 'x' END", "7", "string")]
    [InlineData("CASE WHEN flag THEN NULL ELSE id END", null, "int")]
    [InlineData("CASE WHEN flag THEN NULL END", null, "void")]
    public void Case_ResultType_IsTheWidestBranch(string expression, object? expected, string type)
    {
        Assert.Equal(expected, Eval.Value(expression));
        Assert.Equal(type, Eval.TypeOf(expression).ToString());
    }

    [Theory]
    [InlineData("coalesce(missing, id)", 7)]
    [InlineData("coalesce(id, missing)", 7)]
    [InlineData("coalesce(missing, NULL)", null)]
    [InlineData("coalesce(nothing, 'n/a')", "n/a")]
    [InlineData("coalesce(missing, big)", 10_000_000_000L)]
    [InlineData("coalesce(missing, missing, 3)", 3)]
    [InlineData("ifnull(missing, 0)", 0)]
    [InlineData("nvl(name, 'n/a')", "Alice")]
    [InlineData("nullif(id, 7)", null)]
    [InlineData("nullif(id, 8)", 7)]
    [InlineData("nullif(missing, 8)", null)]
    [InlineData("nullif(name, '')", "Alice")]
    [InlineData("if(flag, 'y', 'n')", "y")]
    [InlineData("if(unknown, 'y', 'n')", "n")]
    [InlineData("if(id > 5, id, amount)", 7.0)]
    [InlineData("greatest(1, id, 3)", 7)]
    [InlineData("greatest(1, 2.5)", 2.5)]
    [InlineData("least(1, missing, 3)", 1)]
    [InlineData("least(missing, NULL)", null)]
    [InlineData("least('b', 'a', 'c')", "a")]
    [InlineData("greatest(ts, TIMESTAMP '2030-01-01 00:00:00') = TIMESTAMP '2030-01-01 00:00:00'", true)]
    public void ConditionalFunctions_PickTheFirstNonNullOrMatch(string expression, object? expected) =>
        Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("CASE WHEN flag THEN 1 ELSE true END", "the branches of CASE have incompatible types int and boolean ('CASE WHEN flag THEN 1 ELSE true END') in 'CASE WHEN flag THEN 1 ELSE true END'")]
    [InlineData("CASE WHEN id THEN 1 END", "a WHEN condition must be of type boolean, but 'id' is of type int in 'CASE WHEN id THEN 1 END'")]
    [InlineData("coalesce(id, flag)", "argument 2 of coalesce() must be of a type compatible with int, but 'flag' is of type boolean in 'coalesce(id, flag)'")]
    [InlineData("greatest(id, name)", "argument 2 of greatest() must be of type int like the other arguments, but 'name' is of type string in 'greatest(id, name)'")]
    [InlineData("if(id, 1, 2)", "argument 1 of if() must be of type boolean, but 'id' is of type int in 'if(id, 1, 2)'")]
    public void Conditionals_WithIncompatibleTypes_AreCompileErrors(string expression, string message) =>
        Assert.Equal(message, Eval.Error(expression));
}
