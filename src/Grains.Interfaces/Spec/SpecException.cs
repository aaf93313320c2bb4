namespace Sluice.Spec;

/// <summary>A malformed query spec: <see cref="Path"/> is the JSON path of the bad field (<c>$.operators[1].delay</c>).</summary>
[GenerateSerializer]
[Alias("sluice.SpecException")]
public sealed class SpecException : Exception
{
    [Id(0)] public string Path { get; }

    public SpecException(string path, string problem) : base($"Invalid query spec at {path}: {problem}") => Path = path;
}
