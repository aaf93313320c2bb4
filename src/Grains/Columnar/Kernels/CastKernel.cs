using System.Globalization;
using Sluice.Data;
using Sluice.Expressions.Evaluation;
using TypeKind = Sluice.Data.DataTypeKind;

namespace Sluice.Columnar.Kernels;

/// <summary>
/// CAST (explicit, or one the binder inserted) among int, bigint, double, boolean, string and timestamp, with the
/// row cast's rules (<see cref="CastConversions"/>); a cast from a string is computed once per distinct value.
/// </summary>
internal sealed class CastKernel : Kernel
{
    private readonly Kernel _operand;
    private readonly Delegate? _conversion;
    private readonly object? _fromStrings;

    private CastKernel(Kernel operand, DataType to)
        : base(to)
    {
        _operand = operand;
        var from = operand.Type.Kind;
        (_conversion, _fromStrings) = (from, to.Kind) switch
        {
            (TypeKind.String, TypeKind.Int or TypeKind.Long or TypeKind.Timestamp) => Cache(CastConversions.StringToLongOf(to.Kind)),
            (TypeKind.String, TypeKind.Double) => Cache(CastConversions.StringToDoubleOf()),
            (TypeKind.String, TypeKind.Boolean) => Cache(CastConversions.StringToBooleanOf()),
            (TypeKind.Int or TypeKind.Long or TypeKind.Timestamp, TypeKind.Int or TypeKind.Long or TypeKind.Timestamp) => (CastConversions.LongToLongOf(from, to.Kind), null),
            (TypeKind.Int or TypeKind.Long or TypeKind.Timestamp, TypeKind.Double) => (CastConversions.LongToDoubleOf(from), null),
            (TypeKind.Int or TypeKind.Long or TypeKind.Timestamp, TypeKind.Boolean) => (CastConversions.LongToBooleanOf(from), null),
            (TypeKind.Double, TypeKind.Int or TypeKind.Long or TypeKind.Timestamp) => (CastConversions.DoubleToLongOf(to.Kind), null),
            (TypeKind.Double, TypeKind.Boolean) => (CastConversions.DoubleToBooleanOf(), null),
            (TypeKind.Boolean, TypeKind.Int or TypeKind.Long) => (CastConversions.BooleanToLongOf(to.Kind), null),
            (TypeKind.Boolean, TypeKind.Double) => (CastConversions.BooleanToDoubleOf(), null),
            _ => ((Delegate?)null, (object?)null),
        };
    }

    /// <summary>The cast of <paramref name="operand"/> to <paramref name="to"/> as a kernel; null when there is none (the caller runs it row at a time).</summary>
    public static Kernel? Create(Kernel operand, DataType to)
    {
        if (operand.Type.Equals(to))
        {
            return operand;
        }
        if (operand.Type.Kind == TypeKind.Null)
        {
            return new ConstantKernel(to, null);
        }
        var cast = new CastKernel(operand, to);
        var toString = to.Kind == TypeKind.String && operand.Type.Kind is TypeKind.Int or TypeKind.Long or TypeKind.Timestamp or TypeKind.Double or TypeKind.Boolean;
        return cast._conversion is not null || toString ? cast : null;
    }

    public override ColumnVector Evaluate(ColumnBatch batch)
    {
        var input = _operand.Evaluate(batch);
        var rows = new Rows(batch);
        if (Type.Kind == TypeKind.String)
        {
            var strings = Output<StringVector>(batch);
            FormatStrings(rows, input, strings);
            return strings;
        }
        if (input is StringVector text)
        {
            return FromStrings(batch, rows, text);
        }
        var output = Output<ColumnVector>(batch);
        switch (input, output)
        {
            case (Int64Vector a, Int64Vector o):
                Map.Unary(rows, a, a.Values, o, o.Values, (Conversion<long, long>)_conversion!);
                break;
            case (Int64Vector a, DoubleVector o):
                Map.Unary(rows, a, a.Values, o, o.Values, (Conversion<long, double>)_conversion!);
                break;
            case (Int64Vector a, BooleanVector o):
                Map.Unary(rows, a, a.Values, o, o.Values, (Conversion<long, bool>)_conversion!);
                break;
            case (DoubleVector a, Int64Vector o):
                Map.Unary(rows, a, a.Values, o, o.Values, (Conversion<double, long>)_conversion!);
                break;
            case (DoubleVector a, BooleanVector o):
                Map.Unary(rows, a, a.Values, o, o.Values, (Conversion<double, bool>)_conversion!);
                break;
            case (BooleanVector a, Int64Vector o):
                Map.Unary(rows, a, a.Values, o, o.Values, (Conversion<bool, long>)_conversion!);
                break;
            case (BooleanVector a, DoubleVector o):
                Map.Unary(rows, a, a.Values, o, o.Values, (Conversion<bool, double>)_conversion!);
                break;
            default:
                throw new InvalidOperationException($"no cast kernel from {_operand.Type} to {Type}");
        }
        return output;
    }

    private static (Delegate?, object?) Cache<T>(Conversion<string, T>? conversion) =>
        conversion is null ? (null, null) : (conversion, new CodeCache<T>(conversion));

    private ColumnVector FromStrings(ColumnBatch batch, Rows rows, StringVector input)
    {
        switch (_fromStrings)
        {
            case CodeCache<long> longs:
                var l = Output<Int64Vector>(batch);
                Lookup(rows, input, longs, l, l.Values);
                return l;
            case CodeCache<double> doubles:
                var d = Output<DoubleVector>(batch);
                Lookup(rows, input, doubles, d, d.Values);
                return d;
            default:
                var b = Output<BooleanVector>(batch);
                Lookup(rows, input, (CodeCache<bool>)_fromStrings!, b, b.Values);
                return b;
        }
    }

    /// <summary>Each selected row's value through <paramref name="cache"/>, by code.</summary>
    public static void Lookup<T>(Rows rows, StringVector input, CodeCache<T> cache, ColumnVector output, Span<T> results)
    {
        cache.Begin(input.Dictionary, output is StringVector s ? s.Dictionary : null);
        var codes = input.Codes;
        var nullable = input.HasNulls;
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if ((nullable && input.IsNull(r)) || !cache.TryGet(codes[r], out var value))
            {
                results[r] = default!;
                output.SetNull(r);
            }
            else
            {
                results[r] = value;
            }
        }
    }

    /// <summary>Spark's string forms: integers in invariant digits (formatted on the stack), doubles as Java, timestamps as Spark.</summary>
    private void FormatStrings(Rows rows, ColumnVector input, StringVector output)
    {
        var codes = output.Codes;
        var dictionary = output.Dictionary;
        Span<char> digits = stackalloc char[24];
        var falseCode = -1;
        var trueCode = -1;
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            if (input.IsNull(r))
            {
                codes[r] = -1;
                output.SetNull(r);
                continue;
            }
            switch (input)
            {
                case Int64Vector longs when _operand.Type.Kind == TypeKind.Timestamp:
                    codes[r] = dictionary.GetOrAdd(TimestampText.Format(CastConversions.Time(longs.Values[r])));
                    break;
                case Int64Vector longs:
                    longs.Values[r].TryFormat(digits, out var length, default, CultureInfo.InvariantCulture);
                    codes[r] = dictionary.GetOrAdd(digits[..length]);
                    break;
                case DoubleVector doubles:
                    codes[r] = dictionary.GetOrAdd(DoubleText.Format(doubles.Values[r]));
                    break;
                case BooleanVector booleans when booleans.Values[r]:
                    codes[r] = trueCode >= 0 ? trueCode : trueCode = dictionary.GetOrAdd("true");
                    break;
                default:
                    codes[r] = falseCode >= 0 ? falseCode : falseCode = dictionary.GetOrAdd("false");
                    break;
            }
        }
    }
}
