using Sluice.Expressions.Binding;

namespace Sluice.Expressions.Functions;

/// <summary>A scalar function: its arity and how it type-checks and compiles a call.</summary>
internal sealed record FunctionDefinition(string Name, int MinArguments, int MaxArguments, Func<FunctionArguments, BoundExpression> Bind)
{
    public string Arity => (MinArguments, MaxArguments) switch
    {
        (1, 1) => "1 argument",
        var (min, max) when min == max => $"{min} arguments",
        (var min, int.MaxValue) => $"at least {min} argument{(min == 1 ? "" : "s")}",
        var (min, max) when max == min + 1 => $"{min} or {max} arguments",
        var (min, max) => $"{min} to {max} arguments",
    };
}
