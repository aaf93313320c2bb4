using System.Reflection;
using System.Text;
using Orleans;

namespace Sluice.Tests.Compatibility;

/// <summary>
/// What a build promises other builds and stored data, read from its assemblies by reflection, one line per promise:
/// grain types (reminders and grain state are keyed by them), grain interfaces and their methods (calls between silos
/// of two builds during a rolling upgrade), wire types and their <c>[Id]</c> members (messages, stored state and
/// checkpoints), and the values of enums they carry.
/// </summary>
internal static class WireContract
{
    /// <summary>The assemblies whose grains and wire types Sluice releases.</summary>
    public static readonly Assembly[] Assemblies =
    [
        typeof(Contracts.IQueryManagerGrain).Assembly,
        typeof(Hosting.SluiceOptions).Assembly,
    ];

    /// <summary>
    /// Every promise, sorted; and what is missing an attribute, as the line of code to add. What follows <c> # </c> on a
    /// line (the C# type's name) is for people: a C# rename that keeps the stable name changes nothing.
    /// </summary>
    public static (SortedSet<string> Lines, List<string> Missing) Read()
    {
        var lines = new SortedSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        var types = Assemblies.SelectMany(LoadableTypes).Where(t => !t.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute))).ToList();
        foreach (var grain in types.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Grain).IsAssignableFrom(t)))
        {
            if (Attribute(grain, "Orleans.GrainTypeAttribute") is { } name)
            {
                lines.Add($"grain {name} # {grain.FullName}");
            }
            else
            {
                missing.Add($"grain class {grain.FullName}: add [GrainType(\"sluice.{Kebab(grain.Name, "Grain")}\")]");
            }
        }
        foreach (var contract in types.Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t)))
        {
            if (Attribute(contract, "Orleans.AliasAttribute") is not { } alias)
            {
                missing.Add($"grain interface {contract.FullName}: add [Alias(\"sluice.{Kebab(contract.Name.TrimStart('I'), "Grain")}\")]");
                continue;
            }
            lines.Add($"interface {alias} # {contract.FullName}");
            foreach (var method in contract.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                var parameters = string.Join(", ", method.GetParameters().Select(p => Format(p.ParameterType)));
                lines.Add($"method {alias} {Format(method.ReturnType)} {method.Name}({parameters})");
            }
        }
        foreach (var wire in WireTypes(types))
        {
            if (Attribute(wire, "Orleans.AliasAttribute") is not { } alias)
            {
                missing.Add($"wire type {wire.FullName}: add [Alias(\"sluice.{wire.Name}\")]");
                continue;
            }
            lines.Add($"type {alias} # {wire.FullName}");
            if (wire.IsEnum)
            {
                foreach (var value in Enum.GetValues(wire))
                {
                    lines.Add($"enum {alias} {value}={Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)}");
                }
                continue;
            }
            foreach (var (id, member, type) in IdMembers(wire))
            {
                lines.Add($"id {alias} {id} {member}: {Format(type)}");
            }
        }
        return (lines, missing);
    }

    /// <summary>[GenerateSerializer] types, and the Sluice types (enums included) their [Id] members carry.</summary>
    private static List<Type> WireTypes(List<Type> types)
    {
        var found = new HashSet<Type>(types.Where(t => t.IsDefined(typeof(GenerateSerializerAttribute), inherit: false)));
        var queue = new Queue<Type>(found);
        while (queue.TryDequeue(out var type))
        {
            foreach (var (_, _, memberType) in type.IsEnum ? [] : IdMembers(type))
            {
                foreach (var carried in Unwrap(memberType).Where(t => Assemblies.Contains(t.Assembly) && found.Add(t)))
                {
                    queue.Enqueue(carried);
                }
            }
        }
        return found.OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();
    }

    /// <summary>A line without its <c> # </c> comment: what the baseline test compares.</summary>
    public static string Promise(string line) => line.Split(" # ", 2)[0];

    private static IEnumerable<(uint Id, string Member, Type Type)> IdMembers(Type type)
    {
        const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var property in type.GetProperties(Declared))
        {
            if (property.GetCustomAttribute<IdAttribute>() is { } id)
            {
                yield return (id.Id, property.Name, property.PropertyType);
            }
        }
        foreach (var field in type.GetFields(Declared))
        {
            if (field.GetCustomAttribute<IdAttribute>() is { } id)
            {
                yield return (id.Id, field.Name, field.FieldType);
            }
        }
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.IsArray)
        {
            return Unwrap(type.GetElementType()!);
        }
        return type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Prepend(type.GetGenericTypeDefinition()) : [type];
    }

    /// <summary>A type as the wire sees it: Sluice types by alias (a rename keeps the alias), others by name.</summary>
    private static string Format(Type type)
    {
        if (type.IsArray)
        {
            return Format(type.GetElementType()!) + "[]";
        }
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Format(inner) + "?";
        }
        if (Assemblies.Contains(type.Assembly) && Attribute(type, "Orleans.AliasAttribute") is { } alias)
        {
            return alias;
        }
        if (!type.IsGenericType)
        {
            return type.Name;
        }
        var name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Format))}>";
    }

    private static string? Attribute(Type type, string attributeName) =>
        type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == attributeName)?.ConstructorArguments[0].Value as string;

    private static string Kebab(string name, string suffix)
    {
        if (name.EndsWith(suffix, StringComparison.Ordinal) && name.Length > suffix.Length)
        {
            name = name[..^suffix.Length];
        }
        var text = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }
            text.Append(char.ToLowerInvariant(c));
        }
        return text.ToString();
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }
}
