namespace Sluice.Sources.Parsing;

/// <summary>
/// Spark's JSON reader accepts single-quoted names and strings by default (<c>allowSingleQuotes</c>, true in the
/// json file source and <c>from_json</c>): <c>{'value': 'keep'}</c> reads as <c>{"value": "keep"}</c>. The strict
/// parser rejects them, so a record it refuses is rewritten with double quotes and read again: the common,
/// well-formed record pays nothing.
/// </summary>
public static class SingleQuotedJson
{
    /// <summary>
    /// The record with each single-quoted string double-quoted (a <c>"</c> inside escaped, <c>\'</c> unescaped), or
    /// null when it has no single-quoted string outside a double-quoted one (nothing to rewrite).
    /// </summary>
    public static byte[]? ToDoubleQuoted(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IndexOf((byte)'\'') < 0)
        {
            return null;
        }
        var output = new List<byte>(utf8.Length + 8);
        var rewrote = false;
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b is not ((byte)'"' or (byte)'\''))
            {
                output.Add(b);
                continue;
            }
            var quote = b;
            rewrote |= quote == '\'';
            output.Add((byte)'"');
            for (i++; i < utf8.Length && utf8[i] != quote; i++)
            {
                var c = utf8[i];
                if (c == '\\' && i + 1 < utf8.Length)
                {
                    var next = utf8[++i];
                    if (next == '\'')
                    {
                        output.Add(next);
                    }
                    else
                    {
                        output.Add(c);
                        output.Add(next);
                    }
                }
                else if (c == '"')
                {
                    output.Add((byte)'\\');
                    output.Add(c);
                }
                else
                {
                    output.Add(c);
                }
            }
            if (i < utf8.Length)
            {
                output.Add((byte)'"');
            }
        }
        return rewrote ? output.ToArray() : null;
    }
}
