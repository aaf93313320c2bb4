namespace Sluice.Tests.Compatibility;

/// <summary>
/// The compatibility baseline: <c>wire-baseline.txt</c> (beside this file) lists every grain type, grain interface and
/// method, wire type alias and <c>[Id]</c> member that a released build has. Reminders and grain state are keyed by grain
/// type, silos of two builds call each other during a rolling upgrade, and checkpoints and stored state hold wire types:
/// a line that disappears breaks one of them. New lines are added to the file in the change that adds them.
/// </summary>
public sealed class WireCompatibilityTests
{
    private const string BaselineFile = "tests/Grains.Tests/Compatibility/wire-baseline.txt";

    [Fact]
    public void EveryGrainGrainInterfaceAndWireType_HasAStableName()
    {
        var (lines, missing) = WireContract.Read();

        Assert.True(missing.Count == 0,
            "Give these a stable name (it must never change once released; see docs/architecture.md, \"Stable names\"), then add the " +
            $"lines the baseline test prints to {BaselineFile}:\n  " + string.Join("\n  ", missing));
        var duplicates = lines.Select(l => l.Split(' ', 4)).Where(p => p[0] is "grain" or "interface" or "type")
            .GroupBy(p => (p[0], p[1])).Where(g => g.Count() > 1).Select(g => $"{g.Key.Item1} {g.Key.Item2}: {string.Join(", ", g.Select(p => p[3]))}").ToList();
        Assert.True(duplicates.Count == 0, "Two types share a stable name; give the newer one a name of its own:\n  " + string.Join("\n  ", duplicates));
    }

    [Fact]
    public void ReleasedGrainTypesAliasesMethodsAndIds_AreUnchanged()
    {
        var (lines, _) = WireContract.Read();

        var promised = lines.Select(WireContract.Promise).ToHashSet(StringComparer.Ordinal);
        var gone = Baseline().Where(l => !promised.Contains(WireContract.Promise(l))).ToList();

        Assert.True(gone.Count == 0,
            "These released names changed or disappeared. Reminders and grain state are keyed by grain types, a rolling upgrade " +
            "runs two builds side by side, and checkpoints and stored state hold the wire types: restore them (rename a C# type " +
            "freely, but keep its [GrainType]/[Alias]; never renumber an [Id]; add a new method or member instead of changing one). " +
            $"Only for a deliberate breaking release, remove the lines from {BaselineFile} and say so in the release notes:\n  " +
            string.Join("\n  ", gone));
    }

    [Fact]
    public void EveryGrainTypeAliasMethodAndId_IsInTheBaseline()
    {
        var (lines, _) = WireContract.Read();

        var baseline = Baseline().Select(WireContract.Promise).ToHashSet(StringComparer.Ordinal);
        var added = lines.Where(l => !baseline.Contains(WireContract.Promise(l))).ToList();

        Assert.True(added.Count == 0, $"Add these lines to {BaselineFile} (keep the file sorted), so later builds keep them:\n" + string.Join("\n", added));
    }

    private static List<string> Baseline() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Compatibility", "wire-baseline.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToList();
}
