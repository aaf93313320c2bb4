using Sluice.Spec;

namespace Sluice.Connectors;

/// <summary>Checks connectors share for a sink's spec part.</summary>
public static class SinkSettings
{
    /// <summary>Refuses fields of other kinds.</summary>
    public static void RequireKnown(SinkSpec spec, string path, ISinkConnector connector) =>
        new SpecSettings(spec.Settings, path).RequireKnown(connector.Settings, $"{connector.Kind} sink", SpecReader.SinkFields);

    /// <summary>The folder of a file-like sink; missing is a <see cref="SpecException"/>.</summary>
    public static string RequirePath(SinkSpec spec, string path) =>
        string.IsNullOrWhiteSpace(spec.Path) ? throw new SpecException(path + ".path", $"a {spec.Kind} sink needs a path (the output folder)") : spec.Path;
}
