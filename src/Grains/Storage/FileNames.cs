namespace Sluice.Storage;

/// <summary>Which names in a data folder are data files.</summary>
public static class FileNames
{
    /// <summary>False for hidden and in-progress names (leading '.' or '_'), which readers skip as Spark's do.</summary>
    public static bool IsDataFile(string name) => name.Length > 0 && name[0] is not ('.' or '_');
}
