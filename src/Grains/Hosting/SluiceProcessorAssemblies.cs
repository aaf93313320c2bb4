using System.Reflection;
using System.Text.Json;

namespace Sluice.Hosting;

/// <summary>
/// Makes the processors and foreachBatch handlers of a host's own projects and packages known to the silo. The registry
/// finds them in loaded assemblies, and .NET loads a referenced assembly only when code first touches it: a silo host
/// whose code never names its processors would not see them.
/// </summary>
public static class SluiceProcessorAssemblies
{
    /// <summary>Registers the processors and handlers in <paramref name="assemblies"/> (e.g. <c>typeof(MyProcessor).Assembly</c>).</summary>
    public static ISiloBuilder AddSluiceProcessorsFrom(this ISiloBuilder builder, params Assembly[] assemblies)
    {
        // Naming an assembly loads it; the registry scans loaded assemblies when a query asks for a processor.
        _ = assemblies.Select(a => a.FullName).ToList();
        return builder;
    }

    /// <summary>
    /// Loads every library of the host application (its <c>.deps.json</c>) that depends on a Sluice package, so the
    /// processors and handlers of referenced projects and packages are registered by name without naming them here.
    /// </summary>
    public static ISiloBuilder AddSluiceProcessorsFromReferences(this ISiloBuilder builder)
    {
        foreach (var name in SluiceDependents())
        {
            Assembly.Load(new AssemblyName(name));
        }
        return builder;
    }

    private static IEnumerable<string> SluiceDependents()
    {
        var depsFile = Assembly.GetEntryAssembly() is { } entry ? Path.Combine(AppContext.BaseDirectory, entry.GetName().Name + ".deps.json") : null;
        if (depsFile is null || !File.Exists(depsFile))
        {
            return [];
        }
        using var deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        var names = new List<string>();
        foreach (var target in deps.RootElement.GetProperty("targets").EnumerateObject())
        {
            foreach (var library in target.Value.EnumerateObject())
            {
                var dependsOnSluice = library.Value.TryGetProperty("dependencies", out var dependencies)
                    && dependencies.EnumerateObject().Any(d => d.Name.StartsWith("Sluice.", StringComparison.Ordinal));
                if (dependsOnSluice && library.Value.TryGetProperty("runtime", out var runtime))
                {
                    names.AddRange(runtime.EnumerateObject().Select(r => Path.GetFileNameWithoutExtension(r.Name)));
                }
            }
        }
        return names.Distinct(StringComparer.Ordinal);
    }
}
