using Sluice.Data;
using Sluice.Expressions;

namespace Sluice.Tests.Expressions;

/// <summary>regexp_extract, split, element_at and split_part, with Spark's results (the examples of Spark's function docs among them).</summary>
public class RegexFunctionTests
{
    [Theory]
    [InlineData(@"regexp_extract('100-200', '(\\d+)-(\\d+)', 1)", "100")]
    [InlineData(@"regexp_extract('100-200', '(\\d+)-(\\d+)', 2)", "200")]
    [InlineData(@"regexp_extract('100-200', '(\\d+)-(\\d+)', 0)", "100-200")]
    [InlineData(@"regexp_extract('100-200', '(\\d+)-(\\d+)')", "100")]
    [InlineData(@"regexp_extract('foo', '(\\d+)-(\\d+)', 1)", "")]
    [InlineData("regexp_extract('ab', '(a)|(b)', 2)", "")]
    [InlineData("regexp_extract('x&channel_id=42&y=1', '(&|^)channel_id=([^&]*)', 2)", "42")]
    [InlineData("regexp_extract('channel_id=7', '(&|^)channel_id=([^&]*)', 2)", "7")]
    [InlineData("regexp_extract('a?channel_id=7', '(&|^)channel_id=([^&]*)', 2)", "")]
    [InlineData("regexp_extract(name, lower(name), 0)", "")]
    [InlineData("regexp_extract(name, 'l(i)', 1)", "i")]
    [InlineData("regexp_extract(name, concat('A', 'l'), 0)", "Al")]
    public void RegexpExtract_GivesTheGroupOfTheFirstMatch_OrEmpty(string expression, string expected) => Assert.Equal(expected, Eval.Value(expression));

    [Theory]
    [InlineData("regexp_extract(nothing, 'a', 0)")]
    [InlineData("regexp_extract('a', nothing, 0)")]
    [InlineData("regexp_extract('a', 'a', missing)")]
    [InlineData("split(nothing, ',')")]
    [InlineData("split('a', nothing)")]
    [InlineData("element_at(split(nothing, ','), 1)")]
    [InlineData("element_at(split('a', ','), missing)")]
    [InlineData("split_part(nothing, ',', 1)")]
    [InlineData("split_part('a', nothing, 1)")]
    [InlineData("split_part('a', ',', missing)")]
    public void NullArgument_GivesNull(string expression) => Assert.Null(Eval.Value(expression));

    [Theory]
    [InlineData("regexp_extract('1-2', '(\\\\d)-(\\\\d)', 3)", "regex group count is 2, but the specified group index is 3")]
    [InlineData("regexp_extract('1-2', '(\\\\d)', -1)", "must not be negative")]
    [InlineData("regexp_extract('1-2', '(', 1)", "is not a valid regular expression")]
    [InlineData("split('1-2', '[')", "is not a valid regular expression")]
    [InlineData("element_at(split('a', ','), 0)", "SQL array indices start at 1")]
    [InlineData("element_at(name, 1)", "must be of an array type")]
    [InlineData("split_part('a.b', '.', 0)", "parts are counted from 1")]
    public void BadPatternOrIndex_FailsAtStart_NamingIt(string expression, string message) => Assert.Contains(message, Eval.Error(expression));

    [Fact]
    public void RegexpExtract_AGroupPastThePattern_FailsEvenWhenThePatternIsAColumn()
    {
        var compiled = ExpressionCompiler.Compile("regexp_extract(name, name, 1)", Eval.Schema);
        Assert.Contains("regex group count is 0", Assert.Throws<ExpressionException>(() => compiled.Evaluate(Eval.Row())).Message);
    }

    [Theory]
    [InlineData("regexp_extract(name, '^(a+)+$', 1)")]
    [InlineData("split(name, '^(a+)+$')")]
    public void APatternThatBacktracksCatastrophically_FailsTheRow_NamingThePatternAndTheFix(string expression)
    {
        // 2^40 ways to split the a's, none ending the text: without a match timeout this does not finish.
        var compiled = ExpressionCompiler.Compile(expression, Eval.Schema);
        var row = Eval.Row();
        row[Eval.Schema.IndexOf("name")] = new string('a', 40) + "!";

        var message = Assert.Throws<ExpressionException>(() => compiled.Evaluate(row)).Message;

        Assert.Contains("'^(a+)+$'", message);
        Assert.Contains("backtracks catastrophically", message);
        Assert.Contains("rewrite the pattern", message);
        Assert.Contains("Sluice:Limits:RegexMatchTimeout", message);
    }

    [Theory]
    [InlineData("split('oneAtwoBthreeC', '[ABC]')", new[] { "one", "two", "three", "" })]
    [InlineData("split('oneAtwoBthreeC', '[ABC]', -1)", new[] { "one", "two", "three", "" })]
    [InlineData("split('oneAtwoBthreeC', '[ABC]', 0)", new[] { "one", "two", "three", "" })]
    [InlineData("split('oneAtwoBthreeC', '[ABC]', 2)", new[] { "one", "twoBthreeC" })]
    [InlineData("split('oneAtwoBthreeC', '[ABC]', 1)", new[] { "oneAtwoBthreeC" })]
    [InlineData("split('https://www.nexmark.com/a/b_c/d/item.htm?query=1', '/')", new[] { "https:", "", "www.nexmark.com", "a", "b_c", "d", "item.htm?query=1" })]
    [InlineData("split(',a,,', ',')", new[] { "", "a", "", "" })]
    [InlineData("split('', ',')", new[] { "" })]
    [InlineData("split('abc', ',')", new[] { "abc" })]
    [InlineData("split('abc', '')", new[] { "a", "b", "c" })]
    [InlineData("split('abc', '', 2)", new[] { "a", "bc" })]
    [InlineData("split('', '')", new[] { "" })]
    [InlineData("split('abc', 'x*')", new[] { "a", "b", "c", "" })]
    [InlineData("split('a.b', '.')", new[] { "", "", "", "" })]
    [InlineData("split('a.b', '[.]')", new[] { "a", "b" })]
    public void Split_IsJavasSplitKeepingTrailingEmptyStrings(string expression, string[] expected)
    {
        Assert.Equal(DataType.Array(DataType.String), Eval.TypeOf(expression));
        Assert.Equal(expected, (object?[])Eval.Value(expression)!);
    }

    [Theory]
    [InlineData("element_at(split('a/b/c', '/'), 1)", "a")]
    [InlineData("element_at(split('a/b/c', '/'), 3)", "c")]
    [InlineData("element_at(split('a/b/c', '/'), -1)", "c")]
    [InlineData("element_at(split('a/b/c', '/'), -3)", "a")]
    [InlineData("element_at(split('a/b/c', '/'), 4)", null)]
    [InlineData("element_at(split('a/b/c', '/'), -4)", null)]
    [InlineData("element_at(split('a/b/c', '/'), '2')", "b")]
    [InlineData("split_part('11.12.13', '.', 3)", "13")]
    [InlineData("split_part('11.12.13', '.', -1)", "13")]
    [InlineData("split_part('11.12.13', '.', -3)", "11")]
    [InlineData("split_part('11.12.13', '.', 4)", "")]
    [InlineData("split_part('11.12.13', '.', -4)", "")]
    [InlineData("split_part('a,,b', ',', 2)", "")]
    [InlineData("split_part('a::b', '::', 2)", "b")]
    [InlineData("split_part('a,b', '', 1)", "a,b")]
    [InlineData("split_part('a,b', '', 2)", "")]
    public void ElementAtAndSplitPart_CountFromOne_NegativeFromTheEnd(string expression, string? expected) => Assert.Equal(expected, Eval.Value(expression));

    [Fact]
    public void ElementAt_IndexZeroInARow_FailsAsSpark()
    {
        var compiled = ExpressionCompiler.Compile("element_at(split('a', ','), id - 7)", Eval.Schema);
        Assert.Contains("SQL array indices start at 1", Assert.Throws<ExpressionException>(() => compiled.Evaluate(Eval.Row())).Message);
    }

    [Fact]
    public void ElementAt_KeepsTheElementType()
    {
        Assert.Equal(DataType.String, Eval.TypeOf("element_at(split(name, 'l'), 1)"));
        Assert.Equal("A", Eval.Value("element_at(split(name, 'l'), 1)"));
    }

    /// <summary>A plain-text delimiter takes the literal path; the same delimiter as a character class takes the regex path: same parts.</summary>
    [Fact]
    public void Split_LiteralPath_AgreesWithTheRegexPath_OnRandomStrings()
    {
        var schema = new StreamSchema([new Column("s", DataType.String), new Column("n", DataType.Int)]);
        var random = new Random(16);
        foreach (var (literal, pattern) in new[] { ("/", "[/]"), (",,", "[,][,]"), ("ab", "a[b]") })
        {
            for (var limit = -1; limit <= 4; limit++)
            {
                var fast = ExpressionCompiler.Compile($"split(s, '{literal}', n)", schema);
                var general = ExpressionCompiler.Compile($"split(s, '{pattern}', n)", schema);
                for (var i = 0; i < 300; i++)
                {
                    var chars = new char[random.Next(0, 12)];
                    for (var c = 0; c < chars.Length; c++)
                    {
                        chars[c] = "ab/,x"[random.Next(5)];
                    }
                    object?[] row = [new string(chars), limit];
                    Assert.Equal((object?[])general.Evaluate(row)!, (object?[])fast.Evaluate(row)!);
                }
            }
        }
    }
}
