namespace Sluice.Connectors.Nexmark;

/// <summary>The suites' <c>StringsGenerator</c>: short random words, and <c>extra</c> padding to an event's average size.</summary>
internal static class NexmarkStrings
{
    private const int MinLength = 3;
    private const int Variants = 32;

    /// <summary>Per length, <see cref="Variants"/> random lower-case strings: extra padding is drawn from these instead of
    /// being made a letter at a time, so a bid costs the engine its bytes, not the generator a hundred random draws.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, string[]> Pool = new();

    /// <summary>
    /// A random string of 3 to <paramref name="maxLength"/> - 1 letters with an occasional <paramref name="special"/>
    /// (1 in 13), trimmed of spaces (the suites' <c>nextString</c>; the bid's url parts use '_').
    /// </summary>
    public static string Next(ref NexmarkRandom random, int maxLength, char special = ' ')
    {
        var length = MinLength + random.NextInt(maxLength - MinLength);
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = random.NextInt(13) == 0 ? special : (char)('a' + random.NextInt(26));
        }
        return new string(chars.Trim(' '));
    }

    /// <summary>Padding so that <paramref name="currentSize"/> plus its length is on average <paramref name="averageSize"/> (±20%).</summary>
    public static string Extra(ref NexmarkRandom random, int currentSize, int averageSize)
    {
        if (currentSize > averageSize)
        {
            return "";
        }
        var wanted = averageSize - currentSize;
        var delta = (int)Math.Round(wanted * 0.2);
        var length = wanted - delta + (delta == 0 ? 0 : random.NextInt(2 * delta));
        return Pool.GetOrAdd(length, Build)[random.NextInt(Variants)];
    }

    private static string[] Build(int length)
    {
        var random = new NexmarkRandom(-1, length);
        var strings = new string[Variants];
        for (var v = 0; v < Variants; v++)
        {
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                chars[i] = (char)('a' + random.NextInt(26));
            }
            strings[v] = new string(chars);
        }
        return strings;
    }
}
