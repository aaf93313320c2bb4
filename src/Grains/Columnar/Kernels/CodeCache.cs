namespace Sluice.Columnar.Kernels;

/// <summary>
/// A function of a dictionary-coded string column computed once per distinct value: results are kept by code for as
/// long as the column keeps its dictionary (a reader keeps one across batches), so a cast or a string function over a
/// repeated value parses or allocates once. <c>key</c> names anything else the results depend on (the dictionary of
/// the output they were added to), whose change empties the cache too.
/// </summary>
internal sealed class CodeCache<T>(Conversion<string, T> map)
{
    private const byte Unknown = 0;
    private const byte Valid = 1;
    private const byte Null = 2;

    private StringDictionary? _dictionary;
    private object? _key;
    private (int Input, int Key) _generations;
    private T[] _values = [];
    private byte[] _state = [];

    /// <summary>Prepares for a batch whose column uses <paramref name="dictionary"/>; call before <see cref="TryGet"/>.</summary>
    public void Begin(StringDictionary dictionary, object? key = null)
    {
        // An emptied dictionary (StringDictionary.Clear) has other strings under the same codes, as has an output
        // dictionary given as the key.
        var generations = (dictionary.Generation, (key as StringDictionary)?.Generation ?? 0);
        if (!ReferenceEquals(dictionary, _dictionary) || !ReferenceEquals(key, _key) || generations != _generations)
        {
            _dictionary = dictionary;
            _key = key;
            _generations = generations;
            Array.Clear(_state);
        }
        if (_state.Length < dictionary.Count)
        {
            var size = Math.Max(dictionary.Count, _state.Length * 2);
            Array.Resize(ref _state, size);
            Array.Resize(ref _values, size);
        }
    }

    /// <summary>The function's value for <paramref name="code"/>; false when it is NULL.</summary>
    public bool TryGet(int code, out T value)
    {
        var state = _state[code];
        if (state == Unknown)
        {
            state = map(_dictionary![code], out var computed) ? Valid : Null;
            _values[code] = computed;
            _state[code] = state;
        }
        value = _values[code];
        return state == Valid;
    }
}
