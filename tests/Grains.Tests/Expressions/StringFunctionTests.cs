namespace Sluice.Tests.Expressions;

public class StringFunctionTests
{
    [Theory]
    [InlineData("lower(name)", "alice")]
    [InlineData("LOWER('ÀB')", "àb")]
    [InlineData("upper(name)", "ALICE")]
    [InlineData("ucase('x')", "X")]
    [InlineData("upper(id)", "7")]
    [InlineData("upper(flag)", "TRUE")]
    [InlineData("trim('  a b  ')", "a b")]
    [InlineData("trim('\ta\t')", "\ta\t")]
    [InlineData("ltrim('  a ')", "a ")]
    [InlineData("rtrim(' a  ')", " a")]
    [InlineData("replace('aXbX', 'X', '-')", "a-b-")]
    [InlineData("replace('aXbX', 'X')", "ab")]
    public void CaseAndTrim_TransformTheString(string expression, string expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("length(name)", 5)]
    [InlineData("length('')", 0)]
    [InlineData("char_length('\U0001F600a')", 2)]
    [InlineData("length(12345)", 5)]
    public void Length_CountsCharacters(string expression, int expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("substring('Spark SQL', 5)", "k SQL")]
    [InlineData("substring('Spark SQL', 5, 1)", "k")]
    [InlineData("substring('Spark SQL', -3)", "SQL")]
    [InlineData("substring('Spark SQL', -3, 2)", "SQ")]
    [InlineData("substring('Spark SQL', 0, 2)", "Sp")]
    [InlineData("substring('Spark SQL', 1, 100)", "Spark SQL")]
    [InlineData("substring('abc', -5, 3)", "a")]
    [InlineData("substring('abc', 10)", "")]
    [InlineData("substring('abc', 2, -1)", "")]
    [InlineData("substr(name, 2, 3)", "lic")]
    [InlineData("substring(name, '2', 2L)", "li")]
    [InlineData("substring('a\U0001F600b', 2, 1)", "\U0001F600")]
    [InlineData("substring('a\U0001F600b', -1)", "b")]
    public void Substring_UsesSparkPositions(string expression, string expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("concat(name, '-', id)", "Alice-7")]
    [InlineData("concat(name, '-', id, '-', flag)", "Alice-7-true")]
    [InlineData("concat('a')", "a")]
    [InlineData("concat()", "")]
    [InlineData("name || '!'", "Alice!")]
    [InlineData("name || amount", "Alice2.5")]
    [InlineData("concat_ws('-', name, nothing, 'x')", "Alice-x")]
    [InlineData("concat_ws(', ', 'a', 'b', 'c')", "a, b, c")]
    [InlineData("concat_ws('-')", "")]
    public void Concat_JoinsStrings(string expression, string expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("concat(name, nothing)")]
    [InlineData("concat(nothing, 'a', 'b', 'c')")]
    [InlineData("name || NULL")]
    [InlineData("concat_ws(NULL, 'a')")]
    [InlineData("lower(nothing)")]
    [InlineData("length(nothing)")]
    [InlineData("substring(name, missing)")]
    [InlineData("substring(nothing, 1, 2)")]
    [InlineData("trim(nothing)")]
    public void StringFunctions_WithNullArgument_AreNull(string expression) => Assert.Null(Eval.Value(expression));

    [Theory]
    [InlineData("lower(window)", "argument 1 of lower() must be of type string, but 'window' is of type struct<start:timestamp,end:timestamp> in 'lower(window)'")]
    [InlineData("substring(name)", "function substring() takes 2 or 3 arguments, but 1 was given ('substring(name)') in 'substring(name)'")]
    [InlineData("upper(name, 1)", "function upper() takes 1 argument, but 2 were given ('upper(name, 1)') in 'upper(name, 1)'")]
    [InlineData("substring(name, flag)", "argument 2 of substring() must be of type int, but 'flag' is of type boolean in 'substring(name, flag)'")]
    [InlineData("concat_ws()", "function concat_ws() takes at least 1 argument, but 0 were given ('concat_ws()') in 'concat_ws()'")]
    public void StringFunctions_WithWrongArguments_AreCompileErrors(string expression, string message) =>
        Assert.Equal(message, Eval.Error(expression));
}
