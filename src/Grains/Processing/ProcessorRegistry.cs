using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace Sluice.Processing;

/// <summary>
/// Stateful processors by name: the built-in ones, every processor class in the silo's loaded assemblies, and
/// those in the plugin folder (<c>Sluice:PluginFolder</c>), loaded at silo start.
/// </summary>
internal static class ProcessorRegistry
{
    private static readonly ConcurrentDictionary<string, IStatefulProcessor> Processors = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, IForeachBatchHandler> Handlers = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<Assembly, bool> Scanned = new();
    private static readonly Lock ScanLock = new();

    public static IStatefulProcessor Resolve(string name)
    {
        ScanLoadedAssemblies();
        return Processors.TryGetValue(name, out var processor)
            ? processor
            : throw new KeyNotFoundException(
                $"no stateful processor named '{name}'; registered: {string.Join(", ", Processors.Keys.Order(StringComparer.Ordinal))}. " +
                "Put the processor's assembly in the silo's plugin folder (Sluice:PluginFolder) or reference it from the silo.");
    }

    /// <summary>The foreachBatch handler registered under <paramref name="name"/>.</summary>
    public static IForeachBatchHandler ResolveHandler(string name)
    {
        ScanLoadedAssemblies();
        return Handlers.TryGetValue(name, out var handler)
            ? handler
            : throw new KeyNotFoundException(
                $"no foreachBatch handler named '{name}'; registered: {string.Join(", ", Handlers.Keys.Order(StringComparer.Ordinal))}. " +
                "Put the handler's assembly in the silo's plugin folder (Sluice:PluginFolder) or reference it from the silo.");
    }

    public static void Register(IForeachBatchHandler handler) => Handlers[handler.Name] = handler;

    /// <summary>Loads every assembly in <paramref name="folder"/> and registers the processors it holds.</summary>
    public static int LoadPluginFolder(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        var before = Processors.Count + Handlers.Count;
        foreach (var file in Directory.EnumerateFiles(folder, "*.dll"))
        {
            Register(AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(file)));
        }
        return Processors.Count + Handlers.Count - before;
    }

    public static void Register(IStatefulProcessor processor) => Processors[processor.Name] = processor;

    private static void ScanLoadedAssemblies()
    {
        // One scan at a time: an assembly is marked scanned before its processors are registered, so a second caller
        // that skipped it unlocked could miss a processor the first one was still adding (two queries starting at once).
        lock (ScanLock)
        {
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            {
                Register(assembly);
            }
        }
    }

    private static void Register(Assembly assembly)
    {
        if (assembly.IsDynamic || !Scanned.TryAdd(assembly, true) || !References(assembly, typeof(IStatefulProcessor).Assembly))
        {
            return;
        }
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            types = e.Types.Where(t => t is not null).ToArray()!;
        }
        foreach (var type in types.Where(t => t is { IsAbstract: false, IsInterface: false } && t.GetConstructor(Type.EmptyTypes) is not null))
        {
            if (typeof(IStatefulProcessor).IsAssignableFrom(type))
            {
                Register((IStatefulProcessor)Activator.CreateInstance(type)!);
            }
            else if (typeof(IForeachBatchHandler).IsAssignableFrom(type))
            {
                Register((IForeachBatchHandler)Activator.CreateInstance(type)!);
            }
        }
    }

    private static bool References(Assembly assembly, Assembly contract) =>
        assembly == contract || assembly.GetReferencedAssemblies().Any(a => a.Name == contract.GetName().Name);
}
