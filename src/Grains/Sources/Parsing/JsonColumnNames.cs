using System.Text;
using System.Text.Json;
using Sluice.Data;

namespace Sluice.Sources.Parsing;

/// <summary>
/// Finds the column a top-level JSON field fills, as Spark's JSON reader matches them: by name, ignoring case. Shared
/// by the row parser and the columnar parser, so both match every name (escaped, non-ASCII, duplicate) the same way.
/// </summary>
/// <remarks>
/// Guesses that fields arrive in schema order, then compares the UTF-8 bytes exactly, then ignoring ASCII case; only an
/// escaped or non-ASCII name that matched nothing so far is made into a string.
/// </remarks>
internal sealed class JsonColumnNames
{
    private readonly StreamSchema _schema;
    private readonly byte[]?[] _utf8Names;

    /// <param name="skip">A column never read from the JSON (the corrupt-record column), or -1.</param>
    public JsonColumnNames(StreamSchema schema, int skip)
    {
        _schema = schema;
        _utf8Names = new byte[schema.Count][];
        for (var i = 0; i < schema.Count; i++)
        {
            _utf8Names[i] = i == skip ? null : Encoding.UTF8.GetBytes(schema[i].Name);
        }
    }

    /// <summary>
    /// The column for the property name under the reader, or -1 for a field the schema does not have.
    /// <paramref name="expected"/> is the next column guessed (start a record at 0).
    /// </summary>
    public int Find(ref Utf8JsonReader reader, ref int expected)
    {
        if (reader.ValueIsEscaped)
        {
            return FindIgnoringCase(reader.GetString()!);
        }
        var span = reader.ValueSpan;
        if ((uint)expected < (uint)_utf8Names.Length && _utf8Names[expected] is { } guess && span.SequenceEqual(guess))
        {
            return expected++;
        }
        for (var i = 0; i < _utf8Names.Length; i++)
        {
            if (_utf8Names[i] is { } candidate && span.SequenceEqual(candidate))
            {
                expected = i + 1;
                return i;
            }
        }
        for (var i = 0; i < _utf8Names.Length; i++)
        {
            if (_utf8Names[i] is { } candidate && Ascii.EqualsIgnoreCase(span, candidate))
            {
                expected = i + 1;
                return i;
            }
        }
        return Ascii.IsValid(span) ? -1 : FindIgnoringCase(Encoding.UTF8.GetString(span));
    }

    private int FindIgnoringCase(string name)
    {
        for (var i = 0; i < _utf8Names.Length; i++)
        {
            if (_utf8Names[i] is not null && string.Equals(_schema[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }
}
