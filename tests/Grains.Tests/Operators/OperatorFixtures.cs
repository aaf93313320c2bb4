namespace Sluice.Tests.Operators;

/// <summary>Checkpoints written by an older build (<c>Operators/Fixtures/&lt;name&gt;</c>), for tests that resume them.</summary>
internal static class OperatorFixtures
{
    /// <summary>Copies fixture <paramref name="name"/> under <paramref name="root"/> (a test may write to it) and returns the copy's path.</summary>
    public static string Copy(string name, string root)
    {
        var from = Path.Combine(AppContext.BaseDirectory, "Operators", "Fixtures", name);
        var to = Path.Combine(root, name);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return to;
    }
}
