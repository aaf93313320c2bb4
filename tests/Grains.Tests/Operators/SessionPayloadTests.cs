using System.Buffers;
using Sluice.Operators.Sessions;

namespace Sluice.Tests.Operators;

/// <summary>
/// The sessionizer's agent-to-key-group payload: rows read back as written, and a payload of another layout (an agent
/// of another build, as while a cluster's silos mix builds) is refused naming the fix, never misread.
/// </summary>
public sealed class SessionPayloadTests
{
    [Fact]
    public void Rows_ReadBackAsWritten_AfterTheHeader()
    {
        var writer = new ArrayBufferWriter<byte>();
        SessionPayload.Begin(writer);
        SessionPayload.Write(writer, 7, [1, 2, 3], new SessionEvent(100, 2.5, "id-1"));
        SessionPayload.Write(writer, -9, [4], new SessionEvent(200, 0, null));
        var payload = writer.WrittenSpan;

        var offset = SessionPayload.FirstRow(payload);
        var first = SessionPayload.Read(payload, ref offset, out var firstHash, out var firstKey);
        Assert.Equal((7, 100L, 2.5, "id-1", true), (firstHash, first.Ticks, first.Amount, first.EventId.ToString(), first.HasEventId));
        Assert.Equal(new byte[] { 1, 2, 3 }, payload.Slice(firstKey.Start, firstKey.Length).ToArray());
        var second = SessionPayload.Read(payload, ref offset, out var secondHash, out _);
        Assert.Equal((-9, 200L, false), (secondHash, second.Ticks, second.HasEventId));
        Assert.Equal(payload.Length, offset);
    }

    [Fact]
    public void APayloadOfTheEarlierLayout_IsRefusedNamingTheUpgrade()
    {
        // The layout before the header: a row's varint key length first.
        byte[] earlier = [3, 1, 2, 3, 100, 0, 0, 0, 0, 0, 0, 0];

        var error = Assert.Throws<InvalidOperationException>(() => SessionPayload.FirstRow(earlier));

        Assert.Contains("an agent on a silo of another Sluice build sent them", error.Message);
        Assert.Contains("stopping and starting it", error.Message);
    }
}
