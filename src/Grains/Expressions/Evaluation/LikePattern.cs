namespace Sluice.Expressions.Evaluation;

/// <summary>
/// A compiled LIKE pattern: <c>%</c> matches any run of characters, <c>_</c> exactly one, and the escape character
/// makes the next <c>%</c>, <c>_</c> or escape character literal (Spark rejects an escape before anything else).
/// Matching is linear with one backtracking point, no regular expressions.
/// </summary>
internal sealed class LikePattern
{
    private const char Literal = 'L';
    private const char One = '_';
    private const char Any = '%';

    private readonly char[] _kinds;
    private readonly char[] _chars;

    private LikePattern(char[] kinds, char[] chars)
    {
        _kinds = kinds;
        _chars = chars;
    }

    public static bool TryCreate(string pattern, char escape, out LikePattern? result, out string? error)
    {
        var kinds = new List<char>(pattern.Length);
        var chars = new List<char>(pattern.Length);
        result = null;
        error = null;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == escape)
            {
                if (i + 1 >= pattern.Length)
                {
                    error = $"the escape character is not allowed to end the pattern '{pattern}'";
                    return false;
                }
                var next = pattern[++i];
                if (next != '%' && next != '_' && next != escape)
                {
                    error = $"the escape character is not allowed to precede '{next}' in the pattern '{pattern}'";
                    return false;
                }
                kinds.Add(Literal);
                chars.Add(next);
                continue;
            }
            kinds.Add(c is One or Any ? c : Literal);
            chars.Add(c);
        }
        result = new LikePattern([.. kinds], [.. chars]);
        return true;
    }

    public bool IsMatch(string text)
    {
        int t = 0, p = 0, starP = -1, starT = 0;
        var n = _kinds.Length;
        while (t < text.Length)
        {
            if (p < n && (_kinds[p] == One || (_kinds[p] == Literal && _chars[p] == text[t])))
            {
                t++;
                p++;
            }
            else if (p < n && _kinds[p] == Any)
            {
                starP = p++;
                starT = t;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }
        while (p < n && _kinds[p] == Any)
        {
            p++;
        }
        return p == n;
    }
}
