using System.Text;
using Sluice.Sources.Parsing;
using Sluice.State.Encoding;

namespace Sluice.Tests.State;

public sealed class RowReaderTests
{
    [Fact]
    public void TryPeekString_GivesTheNextStringsBytes_AndTheNextReadStillStartsThere()
    {
        var encoded = RowCodec.Encode(["user-17", 42L]);
        var reader = new RowReader(encoded);

        Assert.True(reader.TryPeekString(out var utf8));
        Assert.Equal("user-17", Encoding.UTF8.GetString(utf8));
        Assert.Equal("user-17", reader.ReadValue(new Utf8StringCache(2)));
        Assert.False(reader.TryPeekString(out _));
        Assert.Equal(42L, reader.ReadValue(depth: 0));
        Assert.False(reader.TryPeekString(out _));
    }

    [Fact]
    public void TryPeekString_OfACutOffString_FailsAsTheReadWould()
    {
        var encoded = RowCodec.Encode(["user-17"]);
        var reader = new RowReader(encoded.AsSpan(0, encoded.Length - 2));

        try
        {
            reader.TryPeekString(out _);
            Assert.Fail("a cut-off string was peeked");
        }
        catch (FormatException)
        {
        }
    }
}
