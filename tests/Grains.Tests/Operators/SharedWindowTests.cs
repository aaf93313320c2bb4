using Sluice.Data;
using Sluice.Operators;
using Sluice.State.Encoding;

namespace Sluice.Tests.Operators;

/// <summary>
/// <see cref="SharedWindow.Decode"/> against <see cref="RowCodec.Decode"/>: the same values for every stored key, the
/// window one shared value while keys of one window follow each other, whatever the keys' other values and widths.
/// </summary>
public sealed class SharedWindowTests
{
    private static readonly DateTime T0 = new(2026, 12, 7, 0, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Decode_GivesRowCodecsValues_AndSharesTheWindowOfConsecutiveKeys(int seed)
    {
        var random = new Random(seed);
        foreach (var keyIndex in new[] { 0, 1, -1 })
        {
            var shared = new SharedWindow(keyIndex);
            object?[]? previous = null;
            for (var i = 0; i < 3_000; i++)
            {
                // Runs of keys of one window (as a close reads them), now and then another window, width or layout.
                var window = new StructValue([T0.AddSeconds(10 * random.Next(4)), T0.AddSeconds((10 * random.Next(4)) + 10)]);
                var others = Enumerable.Range(0, random.Next(4)).Select(_ => Value(random)).ToList();
                var values = keyIndex == 1 ? [Value(random), window, .. others] : (object?[])[window, .. others];
                var key = RowCodec.Encode(values);
                var decoded = shared.Decode(key);

                Assert.Equal(RowCodec.Decode(key), decoded);
                if (keyIndex >= 0 && previous is not null && window.Equals(previous[keyIndex]))
                {
                    Assert.Same(previous[keyIndex], decoded[keyIndex]);
                }
                previous = decoded;
            }
        }
    }

    private static object? Value(Random random) => random.Next(6) switch
    {
        0 => null,
        1 => (long)random.Next(-5, 5),
        2 => "u" + random.Next(100),
        3 => random.Next(2) == 0,
        4 => T0.AddMinutes(random.Next(3)),
        _ => new StructValue([T0.AddSeconds(random.Next(3)), T0.AddSeconds(20)]),
    };
}
