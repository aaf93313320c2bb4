using System.Text.Json;
using Sluice.Data;

namespace Sluice.Sources.Parsing;

/// <summary>
/// The first thing that went wrong in a record: a field whose value does not fit its column, or the whole record
/// (not a JSON object, bad syntax). Kept as a small struct so a clean record costs nothing; text is built only to report.
/// </summary>
internal readonly struct ParseFailure
{
    private const int NoFailure = -2;
    private const int WholeRecordColumn = -1;

    private readonly int _column;
    private readonly JsonTokenType _token;
    private readonly string? _detail;

    private ParseFailure(int column, JsonTokenType token, string? detail)
    {
        _column = column;
        _token = token;
        _detail = detail;
    }

    public static ParseFailure None => new(NoFailure, JsonTokenType.None, null);

    public bool IsNone => _column == NoFailure;

    /// <summary>True when nothing of the record can be trusted: every field is null.</summary>
    public bool IsWholeRecord => _column == WholeRecordColumn;

    public static ParseFailure Field(int column, JsonTokenType token) => new(column, token, null);

    public static ParseFailure WholeRecord(string detail) => new(WholeRecordColumn, JsonTokenType.None, detail);

    public static ParseFailure NotAnObject(JsonTokenType token) =>
        WholeRecord(token == JsonTokenType.None ? "the record is empty, not a JSON object" : $"the record is {Describe(token)}, not a JSON object");

    public string Describe(StreamSchema schema) =>
        IsWholeRecord || _column >= schema.Count
            ? _detail ?? "the record is not a JSON object"
            : $"field '{schema[_column].Name}' ({schema[_column].Type}) got {Describe(_token)} that does not fit the type";

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Null => "null",
        _ => "a value",
    };
}
