using System.Text;

namespace Sluice.Sources.Parsing;

/// <summary>
/// A record that does not parse under mode FAILFAST. The message names where the record is, why it failed,
/// shows the start of its text and says how to tolerate such records instead.
/// </summary>
internal sealed class MalformedRecordException : Exception
{
    private const int SnippetChars = 200;

    public MalformedRecordException(string position, string reason, string snippet)
        : base($"Malformed record at {position}: {reason}. Record text: {snippet}. " +
               "The source's mode is FAILFAST; set its mode to PERMISSIVE (keep the record with the unparsable fields null " +
               "and its text in a _corrupt_record string column if the schema has one) or DROPMALFORMED (drop it and count it) to tolerate malformed records.")
    {
        Position = position;
        Reason = reason;
        Snippet = snippet;
    }

    /// <summary>Where the record is, e.g. <c>topic events partition 2 offset 17</c>.</summary>
    public string Position { get; }

    /// <summary>Why it did not parse, e.g. <c>field 'amount' (double) got a string</c>.</summary>
    public string Reason { get; }

    /// <summary>The start of the record's text.</summary>
    public string Snippet { get; }

    /// <summary>The first characters of a UTF-8 record, quoted, with an ellipsis when cut.</summary>
    public static string SnippetOf(ReadOnlySpan<byte> utf8)
    {
        // A UTF-8 character is at most 4 bytes: decoding this many bytes yields at least SnippetChars characters when there are that many.
        var cut = utf8.Length > SnippetChars * 4;
        var text = Encoding.UTF8.GetString(cut ? utf8[..(SnippetChars * 4)] : utf8);
        if (text.Length > SnippetChars)
        {
            text = text[..SnippetChars];
            cut = true;
        }
        return cut ? $"'{text}...'" : $"'{text}'";
    }
}
