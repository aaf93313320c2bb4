using System.Text.Json;
using System.Text.Unicode;
using Sluice.Columnar;
using Sluice.Data;

namespace Sluice.Sources.Parsing;

/// <summary>
/// Parses one UTF-8 JSON object per record straight into the columns of a <see cref="ColumnBatch"/>, giving exactly
/// the values, outcomes and errors <see cref="JsonRowParser"/> gives: field names are matched as bytes by the same
/// <see cref="JsonColumnNames"/>, values are converted by the same <see cref="JsonValueReader"/> rules into typed
/// slots (a string column's value is looked up in its dictionary from the UTF-8 bytes, made into a string only when new).
/// </summary>
/// <remarks>
/// Only a record that parses cleanly is handled here. Anything else (a malformed record in any mode, a string that is
/// not valid UTF-8) is parsed again by the row parser and its row appended, so the rare cases stay exact by
/// construction rather than by a second copy of their rules. A column the batch does not read is not stored, but its
/// value is still checked, because a value that does not fit makes the whole record malformed.
/// Call <see cref="Begin"/> before each read: a batch's vectors may be replaced between reads.
/// </remarks>
internal sealed class JsonColumnParser
{
    private const int MaxStackChars = 256;

    private readonly JsonRowParser _rows;
    private readonly JsonColumnNames _names;
    private readonly DataType[] _types;
    private readonly object?[] _spareRow;
    private readonly ColumnVector?[] _vectors;
    private readonly Utf8StringCache _strings;
    private readonly Utf8StringCache.Usage[] _stringUse;

    // One record's values, staged until it is known to be clean: a field may repeat (the last one wins) or fail late.
    private readonly long[] _slots;
    private readonly object?[] _objects;
    private readonly long[] _stamps;
    private long _record;

    /// <param name="strings">Where a string value seen before (by any parser) is found by its bytes; <see cref="Utf8StringCache.Shared"/> by default.</param>
    public JsonColumnParser(StreamSchema schema, ParseMode mode, Utf8StringCache? strings = null)
    {
        _strings = strings ?? Utf8StringCache.Shared;
        _stringUse = new Utf8StringCache.Usage[schema.Count];
        _rows = new JsonRowParser(schema, mode);
        _names = new JsonColumnNames(schema, schema.IndexOf(JsonRowParser.CorruptRecordColumn));
        _types = [.. schema.Columns.Select(c => c.Type)];
        _spareRow = new object?[schema.Count];
        _vectors = new ColumnVector?[schema.Count];
        _slots = new long[schema.Count];
        _objects = new object?[schema.Count];
        _stamps = new long[schema.Count];
        _stamps.AsSpan().Fill(-1);
    }

    public StreamSchema Schema => _rows.Schema;

    /// <summary>Records handed to the row parser so far (malformed, or not handled here).</summary>
    public long RowParsed { get; private set; }

    /// <summary>
    /// Appends the records that follow to <paramref name="output"/> (laid out by <see cref="Schema"/>), to the columns it
    /// reads; <paramref name="expectedRows"/> (a reader's planned range) is reserved in each read column at once, so a
    /// reader's first batch does not grow its vectors by doubling.
    /// </summary>
    public void Begin(ColumnBatch output, int expectedRows = 0)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.Schema.Count != _types.Length)
        {
            throw new ArgumentException($"The batch has {output.Schema.Count} columns but the schema has {_types.Length}.", nameof(output));
        }
        for (var c = 0; c < _vectors.Length; c++)
        {
            _vectors[c] = output.IsRead(c) ? output.Column(c) : null;
            _vectors[c]?.Reserve(expectedRows);
        }
    }

    /// <summary>
    /// Parses <paramref name="utf8"/> and appends its row, or nothing when the outcome is <see cref="ParseOutcome.Dropped"/>.
    /// As <see cref="JsonRowParser.Parse{TState}"/> otherwise (FAILFAST throws <see cref="MalformedRecordException"/>).
    /// </summary>
    public ParseOutcome Parse<TState>(ReadOnlySpan<byte> utf8, TState state, Func<TState, string> describePosition)
    {
        _record++;
        if (TryStageRecord(utf8))
        {
            Commit();
            return ParseOutcome.Ok;
        }
        RowParsed++;
        var outcome = _rows.Parse(utf8, _spareRow, state, describePosition);
        if (outcome != ParseOutcome.Dropped)
        {
            for (var c = 0; c < _vectors.Length; c++)
            {
                _vectors[c]?.AppendValue(_spareRow[c]);
            }
        }
        return outcome;
    }

    /// <summary>Appends a row of NULLs (a Kafka tombstone).</summary>
    public void AppendNulls()
    {
        foreach (var vector in _vectors)
        {
            vector?.AppendNull();
        }
    }

    /// <summary>Stages every field of a clean record; false when the record is left to the row parser.</summary>
    private bool TryStageRecord(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
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
                else if (reader.TokenType == JsonTokenType.Null)
                {
                    _stamps[column] = -1;
                }
                else if (!TryStage(ref reader, utf8, column))
                {
                    return false;
                }
            }
            return !reader.Read();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Bad syntax, or text the row parser's string conversion refuses: it decides what that record is.
            return false;
        }
    }

    private bool TryStage(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, int column)
    {
        var token = reader.TokenType;
        long slot = 0;
        switch (_types[column].Kind)
        {
            case DataTypeKind.Int when token == JsonTokenType.Number && reader.TryGetInt32(out var i):
                slot = i;
                break;
            case DataTypeKind.Long when token == JsonTokenType.Number && reader.TryGetInt64(out var l):
                slot = l;
                break;
            case DataTypeKind.Double when JsonValueReader.TryReadDouble(ref reader, out var d):
                slot = BitConverter.DoubleToInt64Bits(d);
                break;
            case DataTypeKind.Boolean when token is JsonTokenType.True or JsonTokenType.False:
                slot = token == JsonTokenType.True ? 1 : 0;
                break;
            case DataTypeKind.Timestamp when JsonValueReader.TryReadTimestamp(ref reader, out var t):
                slot = t.Ticks;
                break;
            case DataTypeKind.String:
                if (!TryStageString(ref reader, utf8, _vectors[column] as StringVector, ref _stringUse[column], out slot))
                {
                    return false;
                }
                break;
            case DataTypeKind.Int or DataTypeKind.Long or DataTypeKind.Double or DataTypeKind.Boolean or DataTypeKind.Timestamp:
                return false;
            default:
                if (!JsonValueReader.TryRead(ref reader, utf8, _types[column], out var value))
                {
                    return false;
                }
                _objects[column] = _vectors[column] is null ? null : value;
                break;
        }
        _slots[column] = slot;
        _stamps[column] = _record;
        return true;
    }

    /// <summary>A string column's value as a dictionary code (0 when the column is not read: it is only checked).</summary>
    private bool TryStageString(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, StringVector? vector, ref Utf8StringCache.Usage use, out long code)
    {
        code = 0;
        if (reader.TokenType != JsonTokenType.String)
        {
            var raw = JsonValueReader.RawText(ref reader, utf8);
            code = vector?.Dictionary.GetOrAddUtf8(raw) ?? 0;
            return true;
        }
        var span = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            // The row parser's string conversion throws on invalid UTF-8 where a lookup would substitute: leave it that.
            if (!Utf8.IsValid(span))
            {
                return false;
            }
            code = vector is null ? 0 : _strings.GetOrAdd(vector.Dictionary, span, ref use);
            return true;
        }
        if (span.Length > MaxStackChars)
        {
            var text = reader.GetString()!;
            code = vector?.Dictionary.GetOrAdd(text) ?? 0;
            return true;
        }
        // Unescaped text is never longer than its escaped form, and UTF-8 never has fewer bytes than UTF-16 has chars.
        Span<char> chars = stackalloc char[span.Length];
        var length = reader.CopyString(chars);
        code = vector?.Dictionary.GetOrAdd(chars[..length]) ?? 0;
        return true;
    }

    /// <summary>Appends the staged record: a column without a value this record is NULL.</summary>
    private void Commit()
    {
        for (var c = 0; c < _vectors.Length; c++)
        {
            var vector = _vectors[c];
            if (vector is null)
            {
                continue;
            }
            if (_stamps[c] != _record)
            {
                vector.AppendNull();
                continue;
            }
            switch (_types[c].Kind)
            {
                case DataTypeKind.Int or DataTypeKind.Long or DataTypeKind.Timestamp:
                    ((Int64Vector)vector).Append(_slots[c]);
                    break;
                case DataTypeKind.Double:
                    ((DoubleVector)vector).Append(BitConverter.Int64BitsToDouble(_slots[c]));
                    break;
                case DataTypeKind.Boolean:
                    ((BooleanVector)vector).Append(_slots[c] != 0);
                    break;
                case DataTypeKind.String:
                    ((StringVector)vector).AppendCode((int)_slots[c]);
                    break;
                default:
                    vector.AppendValue(_objects[c]);
                    _objects[c] = null;
                    break;
            }
        }
    }
}
