using System.Runtime.InteropServices;

namespace Sluice.Bench;

/// <summary>What the figures were measured on.</summary>
internal static class Machine
{
    public static object Describe() => new
    {
        cores = Environment.ProcessorCount,
        memoryGb = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
        os = RuntimeInformation.OSDescription,
        runtime = RuntimeInformation.FrameworkDescription,
    };

    /// <summary>bench/results, found from the working directory (the repository root or bench/).</summary>
    public static string ResultsFolder()
    {
        var folder = Directory.Exists("bench") ? Path.Combine("bench", "results") : "results";
        Directory.CreateDirectory(folder);
        return folder;
    }
}
