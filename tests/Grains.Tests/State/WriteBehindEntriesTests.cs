using Sluice.State;

namespace Sluice.Tests.State;

/// <summary>
/// Write-behind's held changes kept in the overlay's own entries (<see cref="OverlayEntries.Held"/>): one map for the
/// working version's changes and the committed changes not yet written to the database.
/// </summary>
public sealed class WriteBehindEntriesTests
{
    private const int Unknown = SortedEntries.Entry.UnknownLength;

    /// <summary>
    /// A held key outlives its version (found by <see cref="OverlayEntries.Find"/>, not as a working change); the next
    /// version's change of it takes the same entry, with the held value's length as its committed length; an abort
    /// leaves the held value; once write-behind lets go of it (a write), it leaves the map.
    /// </summary>
    [Fact]
    public void HeldEntries_OutliveTheirVersion_AndTheNextChangeOfTheKeyTakesTheSameEntry()
    {
        var overlay = new OverlayEntries();
        var behind = new WriteBehindChanges(overlay);
        overlay.Set([1], [10, 11, 12], -1);
        overlay.Set([2], [20], 4);
        behind.Add(overlay.InAnyOrder(), NotInDatabase);
        var held = overlay.Find([1]);
        overlay.Clear();

        Assert.Equal(0, overlay.Count);
        Assert.Equal(2, behind.Count);
        Assert.False(overlay.TryGet([1], out _));
        Assert.Same(held, overlay.Find([1]));
        Assert.True(held is { IsHeld: true, Working: false });
        Assert.Equal([10, 11, 12], held.HeldValue);

        overlay.Set([1], [13], Unknown);
        Assert.Same(held, overlay.Find([1]));
        Assert.Equal(3, held.CommittedLength);
        Assert.True(overlay.TryGet([1], out var working));
        Assert.Equal([13], working);
        Assert.Equal(1, overlay.Count);

        // An abort: the working change goes, the held one stays.
        overlay.Clear();
        Assert.False(overlay.TryGet([1], out _));
        Assert.Equal([10, 11, 12], overlay.Find([1])!.HeldValue);

        behind.Clear();
        Assert.Null(overlay.Find([1]));
        Assert.Null(overlay.Find([2]));
        Assert.Equal(0, behind.Count);
    }

    /// <summary>
    /// A write while a version is open (before a whole scan) lets go of held keys the version did not change: they
    /// read as absent, a later change of one in the same version is a new change, and they leave the map when the
    /// version ends, whether it commits changes that are held again or not.
    /// </summary>
    [Fact]
    public void HeldEntries_LetGoWhileAVersionIsOpen_LeaveTheMapWhenItEnds()
    {
        var overlay = new OverlayEntries();
        var behind = new WriteBehindChanges(overlay);
        for (byte k = 0; k < 100; k++)
        {
            overlay.Set([k], [k], -1);
        }
        behind.Add(overlay.InAnyOrder(), NotInDatabase);
        overlay.Clear();

        for (byte k = 50; k < 150; k++)
        {
            overlay.Set([k], [k, k], Unknown);
        }
        behind.Clear();
        Assert.True(overlay.Find([10]) is null or { Working: false, IsHeld: false });
        Assert.False(overlay.TryGet([10], out _));
        overlay.Set([10], [1, 2, 3], 7);
        Assert.Equal(7, overlay.Find([10])!.CommittedLength);
        Assert.Equal(101, overlay.Count);
        behind.Add(overlay.InAnyOrder(), NotInDatabase);
        overlay.Clear();

        Assert.Equal(101, behind.Count);
        for (byte k = 0; k < 150; k++)
        {
            var entry = overlay.Find([k]);
            if (k == 10 || k >= 50)
            {
                Assert.True(entry is { IsHeld: true, Working: false }, $"key {k} is held");
            }
            else
            {
                Assert.Null(entry);
            }
        }
    }

    /// <summary>
    /// Random versions of changes (puts, removes, claims of the committed length right and wrong), commits, aborts and
    /// writes, some while a version is open, against a model of the two maps the store kept before (the working
    /// changes, and the held ones by <see cref="WriteBehindChanges"/>' rules): the same working changes, held changes,
    /// committed lengths and byte counts.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomVersions_HoldWhatTwoMapsHeld(int seed)
    {
        var random = new Random(seed);
        var overlay = new OverlayEntries();
        var behind = new WriteBehindChanges(overlay);
        var database = new Dictionary<string, byte[]>();
        var held = new Dictionary<string, (byte[]? Value, bool InDatabase)>();
        var working = new Dictionary<string, (byte[]? Value, int CommittedLength)>();
        var partlyWritten = false;
        for (var step = 0; step < 20_000; step++)
        {
            var op = random.Next(100);
            if (op < 85)
            {
                var key = $"k{random.Next(120)}";
                byte[]? value = random.Next(3) == 0 ? null : new byte[random.Next(1, 9)];
                var claim = random.Next(4) switch
                {
                    0 => -1,
                    1 => random.Next(0, 9),
                    _ => Unknown,
                };
                overlay.Set(Key(key), value, claim);
                if (working.TryGetValue(key, out var change))
                {
                    working[key] = (value, change.CommittedLength);
                }
                else
                {
                    working[key] = (value, claim != Unknown ? claim : held.TryGetValue(key, out var h) ? h.Value?.Length ?? -1 : Unknown);
                }
            }
            else if (op < 93)
            {
                // A commit: unknown lengths are filled in as VersionChanges.Collect does (the database: no key is held).
                foreach (var entry in overlay.InAnyOrder())
                {
                    var key = Name(entry.Key);
                    Assert.Equal(working[key].CommittedLength, entry.CommittedLength);
                    if (entry.CommittedLength == Unknown)
                    {
                        Assert.False(held.ContainsKey(key));
                        entry.CommittedLength = database.TryGetValue(key, out var stored) ? stored.Length : -1;
                    }
                    if (entry.Value is null && entry.CommittedLength < 0)
                    {
                        continue;
                    }
                    if (!held.TryGetValue(key, out var change))
                    {
                        change = (null, entry.CommittedLength >= 0);
                    }
                    if (entry.Value is null && !change.InDatabase && !partlyWritten && !database.ContainsKey(key))
                    {
                        held.Remove(key);
                        continue;
                    }
                    held[key] = (entry.Value, change.InDatabase);
                }
                behind.Add(overlay.InAnyOrder(), k => database.ContainsKey(Name(k)));
                overlay.Clear();
                working.Clear();
            }
            else if (op < 96)
            {
                overlay.Clear();
                working.Clear();
            }
            else if (op < 99)
            {
                // A write (at a commit's end, or before a whole scan while a version is open).
                Assert.Equal(held.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={Describe(e.Value.Value)}"),
                    behind.Sorted().Select(e => $"{Name(e.Key)}={Describe(e.Value)}"));
                foreach (var (key, change) in held)
                {
                    if (change.Value is null)
                    {
                        database.Remove(key);
                    }
                    else
                    {
                        database[key] = change.Value;
                    }
                }
                held.Clear();
                behind.Clear();
                partlyWritten = false;
            }
            else
            {
                behind.WriteFailed();
                partlyWritten = true;
            }
            Assert.Equal(working.Count, overlay.Count);
            Assert.Equal(held.Count, behind.Count);
            for (var k = 0; k < 120; k += random.Next(1, 30))
            {
                var key = $"k{k}";
                var found = overlay.TryGet(Key(key), out var value);
                Assert.Equal(working.TryGetValue(key, out var change), found);
                Assert.Equal(Describe(change.Value), Describe(value));
                var entry = overlay.Find(Key(key));
                Assert.Equal(held.TryGetValue(key, out var h), entry is { IsHeld: true });
                Assert.Equal(Describe(h.Value), Describe(entry is { IsHeld: true } ? entry.HeldValue : null));
            }
        }
        Assert.Equal(held.Sum(e => e.Key.Length + 96L + (e.Value.Value?.Length ?? 0)), behind.Bytes);
    }

    private static bool NotInDatabase(byte[] key) => false;

    private static byte[] Key(string name) => System.Text.Encoding.UTF8.GetBytes(name);

    private static string Name(byte[] key) => System.Text.Encoding.UTF8.GetString(key);

    private static string Describe(byte[]? value) => value is null ? "-" : Convert.ToHexString(value);
}
