using Sluice.Processing.BuiltIn;

namespace Sluice.Operators.Sessions;

/// <summary>
/// A session the typed path holds between batches: the fields of <see cref="Sessionizer.Session"/>, its event ids as
/// the JSON tokens its stored state has (<see cref="SessionIds"/>), its stored timeout, the length of its value in
/// the store's committed version (-1: not in the committed version) and where that value holds its ids.
/// </summary>
internal sealed class HeldSession
{
    // '[' then each id's token, comma-separated: the stored array without its closing bracket.
    private byte[] _ids = new byte[64];
    private int _length = 1;

    public HeldSession()
    {
        _ids[0] = (byte)'[';
    }

    public long StartMs { get; private set; }

    public long LastMs { get; private set; }

    public double TotalAmount { get; private set; }

    public int Count { get; private set; }

    public long? TimeoutMs { get; set; }

    public int StoredLength { get; set; } = -1;

    /// <summary>
    /// Where the committed value holds this session's ids as they were when it was written (its first
    /// <see cref="StoredIdsLength"/> bytes of <see cref="Ids"/>: ids are only appended), so the next write keeps them
    /// (<see cref="Sluice.State.KeptBytes"/>); length 0 when not known (a session read from the store).
    /// </summary>
    public int StoredIdsOffset { get; set; }

    /// <inheritdoc cref="StoredIdsOffset"/>
    public int StoredIdsLength { get; set; }

    /// <summary>'[' and the ids' tokens, comma-separated (no closing bracket).</summary>
    public ReadOnlySpan<byte> Ids => _ids.AsSpan(0, _length);

    /// <summary>Adds one event as <see cref="Sessionizer.Add"/> does, its id given as the processor would name it.</summary>
    public void Add(long ms, double amount, ReadOnlySpan<byte> idToken)
    {
        StartMs = Count == 0 ? ms : Math.Min(StartMs, ms);
        LastMs = Math.Max(LastMs, ms);
        TotalAmount += amount;
        AppendSeparator(idToken.Length);
        idToken.CopyTo(_ids.AsSpan(_length));
        _length += idToken.Length;
        Count++;
    }

    /// <summary>A stored session (as the serializer reads it, so ids come back as the general path reads them).</summary>
    public static HeldSession From(Sessionizer.Session session, long? timeoutMs, int storedLength)
    {
        var held = new HeldSession { StartMs = session.StartMs, LastMs = session.LastMs, TotalAmount = session.TotalAmount, TimeoutMs = timeoutMs, StoredLength = storedLength };
        foreach (var id in session.EventIds)
        {
            held.AppendSeparator(0);
            SessionIds.AppendToken(ref held._ids, ref held._length, id);
            held.Count++;
        }
        return held;
    }

    /// <summary>A comma unless this is the first id, with room for <paramref name="more"/> bytes after it.</summary>
    private void AppendSeparator(int more)
    {
        if (_ids.Length - _length < more + 1)
        {
            Array.Resize(ref _ids, Math.Max(_ids.Length * 2, _length + more + 1));
        }
        if (Count > 0)
        {
            _ids[_length++] = (byte)',';
        }
    }

    /// <summary>The processor's row for this session when it times out.</summary>
    public object?[] Emit(object?[] key) => Sessionizer.Emit(key, StartMs, LastMs, SessionIds.Join(Ids), TotalAmount);
}
