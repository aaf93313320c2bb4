using System.Text;
using Sluice.Operators.Aggregation;

namespace Sluice.Tests.Columnar;

public sealed class PartialAggregatesBufferTests
{
    [Fact]
    public void ANewBuffer_TakesTheNextSlightlyLargerPayload_InPlace_WithTheSameBytes()
    {
        var accumulators = new TypedAccumulator[] { new CountAccumulator(-1) };
        accumulators[0].Reset(110);
        var buffer = Array.Empty<byte>();
        PartialAggregates.WriteInto(ref buffer, Hashes(100), Keys(100), Groups(100), accumulators);
        var first = buffer;

        var payload = PartialAggregates.WriteInto(ref buffer, Hashes(110), Keys(110), Groups(110), accumulators);

        Assert.Same(first, buffer);
        var fresh = Array.Empty<byte>();
        Assert.Equal(PartialAggregates.WriteInto(ref fresh, Hashes(110), Keys(110), Groups(110), accumulators).ToArray(), payload.ToArray());
    }

    private static int[] Hashes(int count) => [.. Enumerable.Range(0, count).Select(i => i * 7919)];

    private static int[] Groups(int count) => [.. Enumerable.Range(0, count)];

    /// <summary>Each key LEB128-length-prefixed (all under 128 bytes: one length byte).</summary>
    private static byte[] Keys(int count) =>
        [.. Enumerable.Range(0, count).SelectMany(i => Encoding.ASCII.GetBytes($"user-{i}") is var key ? [(byte)key.Length, .. key] : Array.Empty<byte>())];
}
