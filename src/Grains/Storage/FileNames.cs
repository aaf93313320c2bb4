namespace Sluice.Storage;

/// <summary>Which names in a data folder are data files.</summary>
public static class FileNames
{
    /// <summary>False for hidden and in-progress names (leading '.' or '_'), which readers skip as Spark's do.</summary>
    public static bool IsDataFile(string name) => name.Length > 0 && name[0] is not ('.' or '_');

    /// <summary>
    /// True when every folder and the file of a path relative to a data folder (<c>date=2026-01-01/part-0.json</c>) is
    /// a data name: a file in a hidden or in-progress folder (<c>_spark_metadata/</c>, <c>.tmp/</c>) is skipped, as
    /// Spark's file listing skips it.
    /// </summary>
    public static bool IsDataPath(string relativePath) => relativePath.Split('/', '\\').All(IsDataFile);
}
