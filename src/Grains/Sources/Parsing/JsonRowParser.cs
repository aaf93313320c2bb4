using System.Text;
using System.Text.Json;
using Sluice.Data;

namespace Sluice.Sources.Parsing;

/// <summary>
/// Parses one UTF-8 JSON object per record into a row laid out by a <see cref="StreamSchema"/>, as Spark's JSON
/// reader does: top-level fields matched to columns by name (ignoring case), unknown fields ignored, missing fields
/// null, values converted by <see cref="JsonValueReader"/>. A record that is not an object, or has a field that does not
/// fit its column, is malformed and handled per <see cref="ParseMode"/>.
/// </summary>
/// <remarks>
/// Reads the bytes with <see cref="Utf8JsonReader"/> directly (no document per record); columns are found by
/// <see cref="JsonColumnNames"/>. <see cref="JsonColumnParser"/> parses the same records into columns, and falls back
/// to this parser for any record it does not handle itself.
/// One parser per reader thread: it is not thread-safe only in the sense that rows passed in are written.
/// </remarks>
internal sealed class JsonRowParser
{
    /// <summary>Spark's default <c>columnNameOfCorruptRecord</c>: a string column that receives a malformed record's text.</summary>
    public const string CorruptRecordColumn = "_corrupt_record";

    private readonly DataType[] _types;
    private readonly JsonColumnNames _names;
    private readonly int _corruptRecordIndex;

    public JsonRowParser(StreamSchema schema, ParseMode mode)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
        Mode = mode;
        _types = new DataType[schema.Count];
        _corruptRecordIndex = schema.IndexOf(CorruptRecordColumn);
        for (var i = 0; i < schema.Count; i++)
        {
            _types[i] = schema[i].Type;
        }
        // The corrupt-record column is never read from the JSON, so it gets no name to match.
        _names = new JsonColumnNames(schema, _corruptRecordIndex);
        if (_corruptRecordIndex >= 0 && schema[_corruptRecordIndex].Type.Kind != DataTypeKind.String)
        {
            throw new ArgumentException(
                $"Column '{CorruptRecordColumn}' holds the text of malformed records and must be a string, not {schema[_corruptRecordIndex].Type}.", nameof(schema));
        }
    }

    public StreamSchema Schema { get; }

    public ParseMode Mode { get; }

    /// <summary>Parses <paramref name="utf8"/> into <paramref name="row"/> (every slot is overwritten).</summary>
    /// <param name="position">Where the record is, for the FAILFAST error, e.g. <c>topic events partition 2 offset 17</c>.</param>
    /// <returns><see cref="ParseOutcome.Dropped"/> means the row must not be emitted (its contents are unspecified).</returns>
    /// <exception cref="MalformedRecordException">The record is malformed and the mode is FAILFAST.</exception>
    public ParseOutcome Parse(ReadOnlySpan<byte> utf8, object?[] row, string position) =>
        Parse(utf8, row, position, static p => p);

    /// <summary>
    /// As <see cref="Parse(ReadOnlySpan{byte}, object?[], string)"/>, describing the position only when it is needed,
    /// so a hot loop does not format a position string per record.
    /// </summary>
    public ParseOutcome Parse<TState>(ReadOnlySpan<byte> utf8, object?[] row, TState state, Func<TState, string> describePosition)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(describePosition);
        if (row.Length < _types.Length)
        {
            throw new ArgumentException($"The row has {row.Length} slots but the schema has {_types.Length} columns.", nameof(row));
        }
        Array.Clear(row, 0, _types.Length);
        var failure = ReadObject(utf8, row);
        if (failure.IsNone)
        {
            return ParseOutcome.Ok;
        }
        if (SingleQuotedJson.ToDoubleQuoted(utf8) is { } doubleQuoted)
        {
            if (TryReadWhole(doubleQuoted, row))
            {
                return ParseOutcome.Ok;
            }
            // Not a single-quoted record either: report the record as it came.
            Array.Clear(row, 0, _types.Length);
            failure = ReadObject(utf8, row);
        }
        switch (Mode)
        {
            case ParseMode.DropMalformed:
                return ParseOutcome.Dropped;
            case ParseMode.FailFast:
                throw new MalformedRecordException(describePosition(state), failure.Describe(Schema), MalformedRecordException.SnippetOf(utf8));
            default:
                if (failure.IsWholeRecord)
                {
                    Array.Clear(row, 0, _types.Length);
                }
                if (_corruptRecordIndex >= 0)
                {
                    row[_corruptRecordIndex] = Encoding.UTF8.GetString(utf8);
                }
                return ParseOutcome.Malformed;
        }
    }

    private bool TryReadWhole(ReadOnlySpan<byte> utf8, object?[] row)
    {
        Array.Clear(row, 0, _types.Length);
        try
        {
            return ReadObject(utf8, row).IsNone;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private ParseFailure ReadObject(ReadOnlySpan<byte> utf8, object?[] row)
    {
        var reader = new Utf8JsonReader(utf8);
        var failure = ParseFailure.None;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return ParseFailure.NotAnObject(reader.TokenType);
            }
            var expected = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var column = _names.Find(ref reader, ref expected);
                reader.Read();
                if (column < 0)
                {
                    reader.Skip();
                }
                else
                {
                    var token = reader.TokenType;
                    if (!JsonValueReader.TryRead(ref reader, utf8, _types[column], out row[column]) && failure.IsNone)
                    {
                        failure = ParseFailure.Field(column, token);
                    }
                }
            }
            if (reader.Read())
            {
                return ParseFailure.WholeRecord("the record has more text after its JSON object");
            }
        }
        catch (JsonException e)
        {
            return ParseFailure.WholeRecord($"the record is not valid JSON ({e.Message})");
        }
        return failure;
    }
}
