using Sluice.Data;

namespace Sluice.Columnar;

/// <summary>
/// string values, dictionary-encoded: each row holds a code into <see cref="Dictionary"/>, so grouping and comparing
/// by a string column works on ints and a repeated value is stored once. The dictionary outlives <see cref="ColumnVector.Reset"/>
/// (codes stay stable across a reader's batches) until it grows past <see cref="MaxDictionary"/> distinct values (a new,
/// smaller dictionary), or until the rows since the last check (at least 1,024, over one batch or several small ones)
/// show the column is nearly unique (an id): keeping such values would only hold memory, so that column's dictionary
/// is emptied (<see cref="StringDictionary.Clear"/>, its codes start afresh in a new generation).
/// </summary>
internal sealed class StringVector() : ColumnVector(DataType.String)
{
    /// <summary>Distinct values a dictionary keeps across batches before a reset starts a new one (high-cardinality columns).</summary>
    public const int MaxDictionary = 1 << 20;

    private int[] _codes = [];
    private int _dictionaryAtCheck;
    private int _rowsSinceCheck;

    public StringDictionary Dictionary { get; private set; } = new();

    /// <summary>The codes of rows [0, Count); a NULL's slot holds -1.</summary>
    public Span<int> Codes => _codes.AsSpan(0, Count);

    public string? GetString(int row) => IsNull(row) ? null : Dictionary[_codes[row]];

    /// <summary>Uses <paramref name="dictionary"/> (shared, read-only codes such as a generator's id table) from now on; the vector must be empty.</summary>
    public void UseDictionary(StringDictionary dictionary)
    {
        if (Count != 0)
        {
            throw new InvalidOperationException("a string vector changes dictionary only when empty");
        }
        Dictionary = dictionary;
        Shared = true;
        _dictionaryAtCheck = dictionary.Count;
        _rowsSinceCheck = 0;
    }

    /// <summary>Whether the dictionary was handed in (<see cref="UseDictionary"/>) and is kept whatever its size.</summary>
    public bool Shared { get; private set; }

    public void AppendCode(int code)
    {
        if (Count == _codes.Length)
        {
            Array.Resize(ref _codes, Grow(_codes.Length, Count + 1));
        }
        _codes[Count++] = code;
    }

    public void Append(string value) => AppendCode(Dictionary.GetOrAdd(value));

    public void Append(ReadOnlySpan<char> value) => AppendCode(Dictionary.GetOrAdd(value));

    public void AppendUtf8(ReadOnlySpan<byte> utf8) => AppendCode(Dictionary.GetOrAddUtf8(utf8));

    public override object? GetValue(int row) => GetString(row);

    public override void AppendValue(object? value)
    {
        if (value is null)
        {
            AppendNull();
        }
        else
        {
            Append(value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!);
        }
    }

    public override void Reset()
    {
        // More new values than half the batch's rows: a high-cardinality column, whose old values will not recur.
        // Judged over at least 1,024 rows, so small batches (a low-latency trigger) are judged together.
        _rowsSinceCheck += Count;
        if (Dictionary.Count > MaxDictionary || _rowsSinceCheck >= 1024)
        {
            var unique = Dictionary.Count - _dictionaryAtCheck > _rowsSinceCheck / 2;
            if (!Shared && Dictionary.Count > MaxDictionary)
            {
                // Sized for a batch like this one, so a dictionary past the bound lets its memory go.
                Dictionary = new StringDictionary(Math.Min(Count, Dictionary.Count));
            }
            else if (!Shared && unique)
            {
                // An id column gets about as many values again: emptied, the dictionary keeps its arrays (a fresh one
                // per batch was a Kafka reader's main garbage), and caches of its codes see a new generation.
                Dictionary.Clear();
            }
            _dictionaryAtCheck = Dictionary.Count;
            _rowsSinceCheck = 0;
        }
        base.Reset();
    }

    public override void Reserve(int rows)
    {
        if (Count + rows > _codes.Length)
        {
            Array.Resize(ref _codes, Grow(_codes.Length, Count + rows));
        }
    }

    protected override void AppendDefault() => AppendCode(-1);

    protected override int Capacity => _codes.Length;
}
