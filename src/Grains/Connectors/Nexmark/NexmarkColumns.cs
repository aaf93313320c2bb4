using Sluice.Columnar;

namespace Sluice.Connectors.Nexmark;

/// <summary>
/// Appends events to a batch's read columns, laid out as <see cref="NexmarkRows"/> lays out rows (the same values:
/// a timestamp is the ticks of <see cref="NexmarkRows.Time"/>); columns a row does not fill (the other kinds' fields of
/// the <c>event</c> stream) are NULL.
/// </summary>
internal sealed class NexmarkColumns
{
    // Where each kind's fields go in the event stream, in the order of its own stream's columns (-1: dateTime, shared).
    private static readonly int[] PersonInEvent = [2, 3, 4, 5, 6, 7, -1, 8];
    private static readonly int[] AuctionInEvent = [9, 10, 11, 12, 13, -1, 14, 15, 16, 17];
    private static readonly int[] BidInEvent = [18, 19, 20, -1, 21, 22, 23];
    private static readonly int[] PersonOwn = [0, 1, 2, 3, 4, 5, 6, 7];
    private static readonly int[] AuctionOwn = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    private static readonly int[] BidOwn = [0, 1, 2, 3, 4, 5, 6];

    private ColumnVector?[] _vectors = [];
    private int _rows;

    /// <summary>Rows appended since <see cref="Begin"/>.</summary>
    public int Rows => _rows;

    public void Begin(ColumnBatch output)
    {
        _vectors = new ColumnVector?[output.Schema.Count];
        for (var c = 0; c < _vectors.Length; c++)
        {
            _vectors[c] = output.IsRead(c) ? output.Column(c) : null;
        }
        _rows = 0;
    }

    /// <summary>Whether the bid stream's batch reads its extra, and its channel or url (a bid need not make the others).</summary>
    public (bool Extra, bool Channel) BidFieldsRead() =>
        (IsRead(BidOwn[4]), IsRead(BidOwn[5]) || IsRead(BidOwn[6]));

    private bool IsRead(int column) => column < _vectors.Length && _vectors[column] is not null;

    /// <summary>Appends an event of the <c>event</c> stream: its kind, time and its own kind's fields.</summary>
    public void Event(NexmarkEvent e)
    {
        Long(0, (int)e.Kind);
        Time(1, e.DateTimeMs);
        switch (e.Kind)
        {
            case NexmarkKind.Person:
                Person(e.Person!, PersonInEvent);
                break;
            case NexmarkKind.Auction:
                Auction(e.Auction!, AuctionInEvent);
                break;
            default:
                Bid(e.Bid!.Value, BidInEvent);
                break;
        }
        EndRow();
    }

    public void Person(NexmarkPerson p)
    {
        Person(p, PersonOwn);
        EndRow();
    }

    public void Auction(NexmarkAuction a)
    {
        Auction(a, AuctionOwn);
        EndRow();
    }

    public void Bid(NexmarkBid b)
    {
        Bid(b, BidOwn);
        EndRow();
    }

    private void Person(NexmarkPerson p, int[] at)
    {
        Long(at[0], p.Id);
        String(at[1], p.Name);
        String(at[2], p.EmailAddress);
        String(at[3], p.CreditCard);
        String(at[4], p.City);
        String(at[5], p.State);
        Time(at[6], p.DateTimeMs);
        String(at[7], p.Extra);
    }

    private void Auction(NexmarkAuction a, int[] at)
    {
        Long(at[0], a.Id);
        String(at[1], a.ItemName);
        String(at[2], a.Description);
        Long(at[3], a.InitialBid);
        Long(at[4], a.Reserve);
        Time(at[5], a.DateTimeMs);
        Time(at[6], a.ExpiresMs);
        Long(at[7], a.Seller);
        Long(at[8], a.Category);
        String(at[9], a.Extra);
    }

    private void Bid(NexmarkBid b, int[] at)
    {
        Long(at[0], b.Auction);
        Long(at[1], b.Bidder);
        Long(at[2], b.Price);
        Time(at[3], b.DateTimeMs);
        String(at[4], b.Extra);
        String(at[5], b.Channel);
        String(at[6], b.Url);
    }

    /// <summary>Pads every read column the row left unfilled with NULL.</summary>
    private void EndRow()
    {
        _rows++;
        foreach (var vector in _vectors)
        {
            if (vector is not null && vector.Count < _rows)
            {
                vector.AppendNull();
            }
        }
    }

    private void Long(int column, long value)
    {
        if (column >= 0 && _vectors[column] is Int64Vector vector)
        {
            vector.Append(value);
        }
    }

    private void Time(int column, long ms)
    {
        if (column >= 0 && _vectors[column] is Int64Vector vector)
        {
            vector.Append(NexmarkRows.Time(ms).Ticks);
        }
    }

    private void String(int column, string value)
    {
        if (column >= 0 && _vectors[column] is StringVector vector)
        {
            vector.Append(value);
        }
    }
}
