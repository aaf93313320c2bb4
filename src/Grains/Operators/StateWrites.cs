using Sluice.State;

namespace Sluice.Operators;

/// <summary>How an aggregation batch writes a group's value: with the committed length when known, so the commit need not look the key up.</summary>
internal static class StateWrites
{
    /// <summary>Writes (or, for a null value, removes) a group, telling the store its committed length when known.</summary>
    public static void Write(IStateStore store, byte[] key, byte[]? value, int committedLength)
    {
        if (committedLength == SortedEntries.Entry.UnknownLength)
        {
            if (value is null)
            {
                store.Remove(key);
            }
            else
            {
                store.Put(key, value);
            }
        }
        else
        {
            store.Change(key, value, committedLength);
        }
    }
}
