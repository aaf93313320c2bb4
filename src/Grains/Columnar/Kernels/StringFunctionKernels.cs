using Sluice.Data;
using Sluice.Expressions;
using Sluice.Expressions.Functions;

namespace Sluice.Columnar.Kernels;

/// <summary>Kernels of the common string functions, with the argument casts <c>StringFunctions</c> applies.</summary>
internal static class StringFunctionKernels
{
    public static Kernel? Create(FunctionCall call, StreamSchema schema, Func<Expr, StreamSchema, Kernel?> node)
    {
        var arguments = new Kernel[call.Arguments.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            if (node(call.Arguments[i], schema) is not { } argument)
            {
                return null;
            }
            arguments[i] = argument;
        }
        return (call.Name, arguments.Length) switch
        {
            ("lower" or "lcase", 1) => AsString(arguments[0]) is { } s ? new StringMapKernel(s, static v => v.ToLowerInvariant()) : null,
            ("upper" or "ucase", 1) => AsString(arguments[0]) is { } s ? new StringMapKernel(s, static v => v.ToUpperInvariant()) : null,
            ("length" or "char_length" or "character_length", 1) => AsString(arguments[0]) is { } s ? new LengthKernel(s) : null,
            ("substring" or "substr", 2 or 3) => Substring(arguments),
            ("concat", > 0) => Concat(arguments),
            _ => null,
        };
    }

    /// <summary>concat and ||: every part cast to a string; one part is itself.</summary>
    public static Kernel? Concat(Kernel[] parts)
    {
        var strings = new Kernel[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (AsString(parts[i]) is not { } part)
            {
                return null;
            }
            strings[i] = part;
        }
        return strings.Length == 1 ? strings[0] : new ConcatKernel(strings);
    }

    private static Kernel? Substring(Kernel[] arguments)
    {
        var text = AsString(arguments[0]);
        var position = CastKernel.Create(arguments[1], DataType.Int);
        var length = arguments.Length > 2 ? CastKernel.Create(arguments[2], DataType.Int) : null;
        if (text is null || position is null || (arguments.Length > 2 && length is null))
        {
            return null;
        }
        if (position is ConstantKernel { Value: int pos } && length is null or ConstantKernel { Value: int })
        {
            var count = length is ConstantKernel { Value: int len } ? len : int.MaxValue;
            return new StringMapKernel(text, v => StringFunctions.SubstringSql(v, pos, count));
        }
        return new SubstringKernel(text, position, length);
    }

    private static Kernel? AsString(Kernel kernel) => CastKernel.Create(kernel, DataType.String);
}
