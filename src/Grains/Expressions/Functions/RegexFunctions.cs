using System.Text.RegularExpressions;
using Sluice.Data;
using Sluice.Expressions.Binding;

namespace Sluice.Expressions.Functions;

/// <summary>
/// The regular-expression functions, with Spark's semantics: <c>regexp_extract(str, regexp[, idx])</c> (group
/// <c>idx</c>, default 1, of the first match; <c>''</c> when nothing matches or the group took no part; NULL when an
/// argument is NULL) and <c>split(str, regex[, limit])</c> (Java's <c>String.split</c> keeping trailing empty strings,
/// as Spark does: a limit of 0 or less means no limit; an empty regex splits into characters). Patterns are .NET
/// regular expressions, which read Java's common syntax the same way; a constant pattern is compiled once, others
/// per distinct value (the last one is kept, as Spark does). One match may take at most <see cref="MatchTimeout"/>: a
/// pattern that backtracks catastrophically on a value fails the batch with an error naming it, where Java's engine
/// (and so Spark) would hold the batch for as long as the match takes.
/// </summary>
internal static class RegexFunctions
{
    /// <summary>
    /// How long one match of one value may take; a healthy pattern takes microseconds. The silo sets it from
    /// <c>Sluice:Limits:RegexMatchTimeout</c> (<see cref="UseMatchTimeout"/>); patterns compiled after that use it.
    /// </summary>
    internal static TimeSpan MatchTimeout { get; private set; } = TimeSpan.FromSeconds(1);

    /// <summary>Sets <see cref="MatchTimeout"/> for the process; zero means no limit (Spark's behaviour).</summary>
    public static void UseMatchTimeout(TimeSpan timeout) =>
        MatchTimeout = timeout == TimeSpan.Zero ? Regex.InfiniteMatchTimeout : timeout;

    public static IEnumerable<FunctionDefinition> Definitions()
    {
        yield return new("regexp_extract", 2, 3, RegexpExtract);
        yield return new("split", 2, 3, Split);
    }

    private static BoundExpression RegexpExtract(FunctionArguments a)
    {
        var text = a.As(0, DataType.String).As<string?>();
        var regex = Pattern(a, 1);
        var index = a.Count > 2 ? a.As(2, DataType.Int) : null;
        var group = index?.As<int?>() ?? (static _ => 1);
        // With a constant pattern and group, the group is checked once, here; otherwise per row, as Spark does.
        var checkedOnce = a[1].IsConstant && (index is null || index.IsConstant);
        if (checkedOnce && regex([]) is { } constant && group([]) is int constantGroup)
        {
            CheckGroup(a, constant, constantGroup);
        }
        return a.Result(DataType.String, new Func<object?[], string?>(row =>
        {
            if (text(row) is not { } s || regex(row) is not { } r || group(row) is not int g)
            {
                return null;
            }
            if (!checkedOnce)
            {
                CheckGroup(a, r, g);
            }
            Match match;
            try
            {
                match = r.Match(s);
            }
            catch (RegexMatchTimeoutException)
            {
                throw TimedOut(a, r, s);
            }
            return match.Success && match.Groups[g].Success ? match.Groups[g].Value : "";
        }));
    }

    /// <summary>Spark's check: a negative group, or one past the pattern's groups, is an error, not NULL.</summary>
    private static void CheckGroup(FunctionArguments a, Regex regex, int group)
    {
        if (group < 0)
        {
            throw a.Error($"the group index of regexp_extract() must not be negative, but it is {group}");
        }
        var groups = regex.GetGroupNumbers().Length - 1;
        if (group > groups)
        {
            throw a.Error($"regex group count is {groups}, but the specified group index is {group}", "use a group the pattern has (0 is the whole match)");
        }
    }

    private static BoundExpression Split(FunctionArguments a)
    {
        var text = a.As(0, DataType.String).As<string?>();
        var regex = Pattern(a, 1);
        var limit = a.Count > 2 ? a.As(2, DataType.Int).As<int?>() : static _ => -1;
        // A constant pattern without metacharacters ('/', ',') splits as plain text: the same parts, without the regex engine.
        var literal = a[1].IsConstant && a[1].ConstantValue is string p && p.Length > 0 && Regex.Escape(p) == p ? p : null;
        return a.Result(DataType.Array(DataType.String), new Func<object?[], object?[]?>(row =>
        {
            if (text(row) is not { } s || regex(row) is not { } r || limit(row) is not int l)
            {
                return null;
            }
            if (literal is not null)
            {
                return SplitLiteral(s, literal, l);
            }
            try
            {
                return SplitJava(s, r, l);
            }
            catch (RegexMatchTimeoutException)
            {
                throw TimedOut(a, r, s);
            }
        }));
    }

    /// <summary>The error of a match that took longer than <see cref="MatchTimeout"/>: the pattern, the value's length, and the fix.</summary>
    private static ExpressionException TimedOut(FunctionArguments a, Regex regex, string value) =>
        a.Error(
            $"the pattern '{regex}' of {a.Call.Name}() did not finish matching a value of {value.Length} characters within {MatchTimeout.TotalSeconds:0.###} s: it backtracks catastrophically",
            "rewrite the pattern so that each part of the text can match it in only one way (a nested quantifier such as '(a+)+' or '(a|aa)*' tries every split of the text; write 'a+'), or anchor it to fewer positions; a pattern that is only slow on long values can have more time with the silos' Sluice:Limits:RegexMatchTimeout (00:00:00 for no limit)");

    /// <summary>Java's split by a plain-text delimiter, as <see cref="SplitJava"/>: a positive limit keeps the rest in the last part.</summary>
    private static object?[] SplitLiteral(string s, string delimiter, int limit) =>
        [.. s.Split(delimiter, limit > 0 ? limit : int.MaxValue, StringSplitOptions.None)];

    /// <summary>Spark's <c>split</c>: Java's <c>String.split(regex, limit)</c> with limit 0 read as -1 (trailing empty strings kept).</summary>
    public static object?[] SplitJava(string s, Regex regex, int limit)
    {
        if (regex.ToString().Length == 0)
        {
            return SplitChars(s, limit);
        }
        var parts = new List<object?>();
        var limited = limit > 0;
        var index = 0;
        for (var m = regex.Match(s); m.Success; m = m.NextMatch())
        {
            if (!limited || parts.Count < limit - 1)
            {
                // No leading empty string for a zero-width match at the start (Java 8 on).
                if (index == 0 && m.Index == 0 && m.Length == 0)
                {
                    continue;
                }
                parts.Add(s[index..m.Index]);
                index = m.Index + m.Length;
            }
            else
            {
                break;
            }
        }
        if (index == 0)
        {
            return [s];
        }
        parts.Add(s[index..]);
        return [.. parts];
    }

    /// <summary>Spark's split by an empty pattern: one string per character, the last holding the rest when a limit cuts it short; "" stays [""].</summary>
    private static object?[] SplitChars(string s, int limit)
    {
        if (s.Length == 0)
        {
            return [""];
        }
        var starts = new List<int>();
        for (var i = 0; i < s.Length; i += char.IsSurrogatePair(s, i) ? 2 : 1)
        {
            starts.Add(i);
        }
        var count = limit > 0 && limit < starts.Count ? limit : starts.Count;
        var parts = new object?[count];
        for (var i = 0; i < count; i++)
        {
            var end = i == count - 1 ? s.Length : starts[i + 1];
            parts[i] = s[starts[i]..end];
        }
        return parts;
    }

    /// <summary>The pattern argument as a compiled regex: once when constant (a bad one fails the query's start), else the last value's.</summary>
    private static Func<object?[], Regex?> Pattern(FunctionArguments a, int index)
    {
        var pattern = a.As(index, DataType.String);
        if (pattern.IsConstant)
        {
            var regex = pattern.ConstantValue is string text ? Compile(a, text) : null;
            return _ => regex;
        }
        var value = pattern.As<string?>();
        (string Text, Regex Regex)? last = null;
        return row =>
        {
            if (value(row) is not { } text)
            {
                return null;
            }
            var cached = last;
            if (cached is { } c && c.Text == text)
            {
                return c.Regex;
            }
            var regex = Compile(a, text);
            last = (text, regex);
            return regex;
        };
    }

    private static Regex Compile(FunctionArguments a, string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw a.Error($"the pattern '{pattern}' of {a.Call.Name}() is not a valid regular expression: {e.Message}");
        }
    }
}
