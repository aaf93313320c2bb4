using System.Globalization;

namespace Sluice.Bench;

/// <summary>Command-line options of the form <c>--name value</c>.</summary>
internal static class Options
{
    public static long Long(string[] args, string name, long fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? long.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
