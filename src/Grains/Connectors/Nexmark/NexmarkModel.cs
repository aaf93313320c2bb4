namespace Sluice.Connectors.Nexmark;

/// <summary>Which of the three Nexmark streams an event belongs to (the suites' <c>event_type</c>: 0, 1, 2).</summary>
public enum NexmarkKind
{
    Person = 0,
    Auction = 1,
    Bid = 2,
}

/// <summary>A new person (the suites' <c>Person</c>); times in epoch ms.</summary>
public sealed record NexmarkPerson(long Id, string Name, string EmailAddress, string CreditCard, string City, string State, long DateTimeMs, string Extra);

/// <summary>A new auction (the suites' <c>Auction</c>); times in epoch ms.</summary>
public sealed record NexmarkAuction(long Id, string ItemName, string Description, long InitialBid, long Reserve, long DateTimeMs, long ExpiresMs,
    long Seller, long Category, string Extra);

/// <summary>
/// A bid (the suites' <c>Bid</c>); time in epoch ms. A struct: the bid stream makes one per event and its readers copy
/// its fields. <see cref="Channel"/> and <see cref="Url"/> are the newer suite's fields (q20-q22), last so the older
/// columns keep their places; they default to empty for a bid made by hand.
/// </summary>
public readonly record struct NexmarkBid(long Auction, long Bidder, long Price, long DateTimeMs, string Extra, string Channel = "", string Url = "");

/// <summary>One event: exactly one of <see cref="Person"/>, <see cref="Auction"/>, <see cref="Bid"/> is set.</summary>
public readonly record struct NexmarkEvent(long Number, NexmarkKind Kind, NexmarkPerson? Person, NexmarkAuction? Auction, NexmarkBid? Bid)
{
    public long DateTimeMs => Person?.DateTimeMs ?? Auction?.DateTimeMs ?? Bid!.Value.DateTimeMs;
}
