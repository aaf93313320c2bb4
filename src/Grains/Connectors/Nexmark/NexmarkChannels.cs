namespace Sluice.Connectors.Nexmark;

/// <summary>
/// The bid's <c>channel</c> and <c>url</c> as the nexmark project's (Flink suite's) <c>BidGenerator</c> makes them: half
/// the bids come from one of four hot channels (Google, Facebook, Baidu, Apple), each with its own fixed url; the
/// others from <c>channel-N</c>, N uniform in [0, 10,000), whose url is made once per channel and, for 9 channels in
/// 10, ends in <c>&amp;channel_id=</c> and the absolute value of N's bits reversed as a 32-bit int (as Java's
/// <c>Math.abs(Integer.reverse(N))</c>, so channel 1 gives -2147483648). A url is
/// <c>https://www.nexmark.com/{a}/{b}/{c}/item.htm?query=1</c>, each part 3 or 4 letters with an occasional '_'.
/// The suite draws the urls from unseeded randoms; here they come from the seed and the channel, so a seed gives the
/// same urls in every run and every partition. Each channel's pair is made at its first use and kept (a seed's
/// 10,004 urls, about 1.5 MB).
/// </summary>
internal sealed class NexmarkChannels
{
    public const int HotChannelsRatio = 2;
    public const int ChannelsNumber = 10_000;

    private static readonly string[] HotChannels = ["Google", "Facebook", "Baidu", "Apple"];

    /// <summary>The last seed's table: a run has one seed, so a bid finds it without a lookup.</summary>
    private static NexmarkChannels? s_last;

    private readonly long _seed;
    private readonly string[] _hotUrls;
    private readonly ChannelUrl?[] _channels = new ChannelUrl?[ChannelsNumber];

    private NexmarkChannels(long seed)
    {
        _seed = seed;
        _hotUrls = new string[HotChannels.Length];
        for (var i = 0; i < _hotUrls.Length; i++)
        {
            var random = UrlRandom(seed, i);
            _hotUrls[i] = BaseUrl(ref random);
        }
    }

    public static NexmarkChannels For(long seed)
    {
        var last = s_last;
        if (last is not null && last._seed == seed)
        {
            return last;
        }
        return s_last = new NexmarkChannels(seed);
    }

    /// <summary>The bid's channel and url, drawn from the bid's own random after its other fields.</summary>
    public (string Channel, string Url) Next(ref NexmarkRandom random)
    {
        if (random.NextInt(HotChannelsRatio) > 0)
        {
            var i = random.NextInt(HotChannels.Length);
            return (HotChannels[i], _hotUrls[i]);
        }
        var n = random.NextInt(ChannelsNumber);
        // Two bids may make the same channel's pair at once: both make the same strings, either one is kept (a
        // reference, so a reader never sees half of one).
        var pair = _channels[n] ??= Make(n);
        return (pair.Channel, pair.Url);
    }

    private ChannelUrl Make(int channel)
    {
        var random = UrlRandom(_seed, HotChannels.Length + channel);
        var url = BaseUrl(ref random);
        if (random.NextInt(10) > 0)
        {
            url += "&channel_id=" + ChannelId(channel).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return new ChannelUrl("channel-" + channel.ToString(System.Globalization.CultureInfo.InvariantCulture), url);
    }

    /// <summary>Java's <c>Math.abs(Integer.reverse(channel))</c>: the 32 bits reversed, negated when negative (int.MinValue stays).</summary>
    public static int ChannelId(int channel)
    {
        var reversed = (int)ReverseBits((uint)channel);
        return reversed < 0 ? unchecked(-reversed) : reversed;
    }

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }

    /// <summary>A url's own random: negative numbers, which no event has, so urls and events never share a sequence.</summary>
    private static NexmarkRandom UrlRandom(long seed, int index) => new(seed, -1L - index);

    private static string BaseUrl(ref NexmarkRandom random) =>
        "https://www.nexmark.com/" + NexmarkStrings.Next(ref random, 5, '_') + "/" + NexmarkStrings.Next(ref random, 5, '_') + "/"
        + NexmarkStrings.Next(ref random, 5, '_') + "/item.htm?query=1";

    private sealed record ChannelUrl(string Channel, string Url);
}
