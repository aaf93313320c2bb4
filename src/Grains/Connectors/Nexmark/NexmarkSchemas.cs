using Sluice.Data;

namespace Sluice.Connectors.Nexmark;

/// <summary>
/// The columns of the nexmark source's streams, named as in the Nexmark suites' DDL (<c>person</c>, <c>auction</c>,
/// <c>bid</c> views). The <c>event</c> stream is their union, flattened (Sluice has no row-typed columns): <c>event_type</c>
/// (0 person, 1 auction, 2 bid), <c>dateTime</c>, then each kind's other fields prefixed with its name, null for the
/// other kinds. The bid's <c>channel</c> and <c>url</c> (the newer suite's fields) come last in <c>bid</c> and in
/// <c>event</c>, so every older column keeps its place.
/// </summary>
public static class NexmarkSchemas
{
    public static readonly StreamSchema Person = new(
    [
        new Column("id", DataType.Long), new Column("name", DataType.String), new Column("emailAddress", DataType.String),
        new Column("creditCard", DataType.String), new Column("city", DataType.String), new Column("state", DataType.String),
        new Column("dateTime", DataType.Timestamp), new Column("extra", DataType.String),
    ]);

    public static readonly StreamSchema Auction = new(
    [
        new Column("id", DataType.Long), new Column("itemName", DataType.String), new Column("description", DataType.String),
        new Column("initialBid", DataType.Long), new Column("reserve", DataType.Long), new Column("dateTime", DataType.Timestamp),
        new Column("expires", DataType.Timestamp), new Column("seller", DataType.Long), new Column("category", DataType.Long),
        new Column("extra", DataType.String),
    ]);

    public static readonly StreamSchema Bid = new(
    [
        new Column("auction", DataType.Long), new Column("bidder", DataType.Long), new Column("price", DataType.Long),
        new Column("dateTime", DataType.Timestamp), new Column("extra", DataType.String),
        new Column("channel", DataType.String), new Column("url", DataType.String),
    ]);

    public static readonly StreamSchema Event = new(
    [
        new Column("event_type", DataType.Int), new Column("dateTime", DataType.Timestamp),
        .. Prefixed("person", Person), .. Prefixed("auction", Auction), .. Prefixed("bid", Bid),
    ]);

    /// <summary>The stream names the <c>stream</c> option takes.</summary>
    public static readonly IReadOnlyList<string> Streams = ["event", "person", "auction", "bid"];

    /// <summary>
    /// The schema of the stream the source's <c>stream</c> option names (default <c>event</c>). The planner asks for it
    /// when the query starts, so every option is checked here: a bad one fails the start, naming it.
    /// </summary>
    public static StreamSchema For(IReadOnlyDictionary<string, string> options)
    {
        try
        {
            NexmarkConfig.FromOptions(options);
            return StreamOf(options) switch
            {
                "person" => Person,
                "auction" => Auction,
                "bid" => Bid,
                _ => Event,
            };
        }
        catch (ArgumentException e)
        {
            throw new Contracts.QueryStartException("Invalid query spec: " + e.Message);
        }
    }

    /// <summary>The <c>stream</c> option, checked.</summary>
    public static string StreamOf(IReadOnlyDictionary<string, string> options) =>
        !options.TryGetValue("stream", out var stream) ? "event"
            : Streams.Contains(stream, StringComparer.Ordinal) ? stream
            : throw new ArgumentException($"the nexmark source's option 'stream' must be one of {string.Join(", ", Streams)}, not '{stream}'");

    private static IEnumerable<Column> Prefixed(string prefix, StreamSchema schema) =>
        schema.Columns.Where(c => c.Name != "dateTime").Select(c => new Column(prefix + "_" + c.Name, c.Type));
}
