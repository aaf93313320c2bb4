namespace Sluice.Connectors.Nexmark;

/// <summary>Events as rows in <see cref="NexmarkSchemas"/>' column order (timestamps as UTC <see cref="DateTime"/>s, as every source gives them).</summary>
public static class NexmarkRows
{
    public static object?[] Person(NexmarkPerson p) =>
        [p.Id, p.Name, p.EmailAddress, p.CreditCard, p.City, p.State, Time(p.DateTimeMs), p.Extra];

    public static object?[] Auction(NexmarkAuction a) =>
        [a.Id, a.ItemName, a.Description, a.InitialBid, a.Reserve, Time(a.DateTimeMs), Time(a.ExpiresMs), a.Seller, a.Category, a.Extra];

    public static object?[] Bid(NexmarkBid b) => [b.Auction, b.Bidder, b.Price, Time(b.DateTimeMs), b.Extra, b.Channel, b.Url];

    /// <summary>The flattened union row: event_type, dateTime, then the person, auction and bid fields (nulls for the other kinds).</summary>
    public static object?[] Event(NexmarkEvent e)
    {
        var row = new object?[NexmarkSchemas.Event.Count];
        row[0] = (int)e.Kind;
        row[1] = Time(e.DateTimeMs);
        var (start, fields) = e.Kind switch
        {
            NexmarkKind.Person => (2, Without(Person(e.Person!), 6)),
            NexmarkKind.Auction => (2 + 7, Without(Auction(e.Auction!), 5)),
            _ => (2 + 7 + 9, Without(Bid(e.Bid!.Value), 3)),
        };
        fields.CopyTo(row, start);
        return row;
    }

    public static DateTime Time(long ms) => DateTime.UnixEpoch.AddMilliseconds(ms);

    private static object?[] Without(object?[] row, int index) => [.. row[..index], .. row[(index + 1)..]];
}
