using System.Globalization;
using Sluice.Data;
using Sluice.Expressions.Binding;
using Sluice.Expressions.Evaluation;

namespace Sluice.Expressions.Functions;

/// <summary>
/// Numeric functions. abs and round keep their argument's type; floor and ceil return bigint; sqrt and pow return
/// double; a string argument is read as a double. Integer overflow wraps, as Spark with ANSI mode off.
/// </summary>
internal static class MathFunctions
{
    public static IEnumerable<FunctionDefinition> Definitions()
    {
        yield return new("abs", 1, 1, Abs);
        yield return new("round", 1, 2, Round);
        yield return new("floor", 1, 1, a => Rounding(a, Math.Floor));
        yield return new("ceil", 1, 1, a => Rounding(a, Math.Ceiling));
        yield return new("ceiling", 1, 1, a => Rounding(a, Math.Ceiling));
        yield return new("sqrt", 1, 1, a => a.Result(DataType.Double, Lift.VV(a.As(0, DataType.Double).As<double?>(), static x => (double?)Math.Sqrt(x))));
        yield return new("pow", 2, 2, Pow);
        yield return new("power", 2, 2, Pow);
        yield return new("greatest", 2, int.MaxValue, a => Extreme(a, 1));
        yield return new("least", 2, int.MaxValue, a => Extreme(a, -1));
    }

    private static BoundExpression Abs(FunctionArguments a)
    {
        var value = a.Numeric(0);
        return value.Type.Kind switch
        {
            DataTypeKind.Int => a.Result(value.Type, Lift.VV(value.As<int?>(), static x => (int?)(x < 0 ? unchecked(-x) : x))),
            DataTypeKind.Long => a.Result(value.Type, Lift.VV(value.As<long?>(), static x => (long?)(x < 0 ? unchecked(-x) : x))),
            _ => a.Result(value.Type, Lift.VV(value.As<double?>(), static x => (double?)Math.Abs(x))),
        };
    }

    private static BoundExpression Rounding(FunctionArguments a, Func<double, double> round)
    {
        var value = a.Numeric(0);
        return value.Type.Kind == DataTypeKind.Double
            ? a.Result(DataType.Long, Lift.VV(value.As<double?>(), x => (long?)Casts.SaturatingToLong(round(x))))
            : a.Result(DataType.Long, Casts.Apply(value, DataType.Long).Evaluator);
    }

    private static BoundExpression Pow(FunctionArguments a)
    {
        var x = a.As(0, DataType.Double).As<double?>();
        var y = a.As(1, DataType.Double).As<double?>();
        return a.Result(DataType.Double, new Func<object?[], double?>(row => x(row) is double b && y(row) is double e ? Math.Pow(b, e) : null));
    }

    private static BoundExpression Extreme(FunctionArguments a, int sign)
    {
        var values = a.SameType();
        var type = values[0].Type;
        if (type.Kind is DataTypeKind.Struct or DataTypeKind.Array or DataTypeKind.Binary)
        {
            throw a.TypeError(0, "an orderable type");
        }
        return a.Result(type, GenericOperators.Extreme(type, Array.ConvertAll(values, static v => v.Evaluator), sign));
    }

    /// <summary>round(x[, scale]): HALF_UP (ties away from zero) at a constant scale, which may be negative.</summary>
    private static BoundExpression Round(FunctionArguments a)
    {
        var value = a.Numeric(0);
        if (a.Count > 1 && a[1].IsConstant && a[1].ConstantValue is null)
        {
            return BoundExpression.Constant(value.Type, null);
        }
        var scale = a.Count > 1 ? a.Constant<int>(1, DataType.Int, "the scale") : 0;
        return value.Type.Kind switch
        {
            DataTypeKind.Int => a.Result(value.Type, Lift.VV(value.As<int?>(), x => (int?)unchecked((int)RoundIntegral(x, scale)))),
            DataTypeKind.Long => a.Result(value.Type, Lift.VV(value.As<long?>(), x => (long?)RoundIntegral(x, scale))),
            _ => a.Result(value.Type, Lift.VV(value.As<double?>(), x => (double?)RoundHalfUp(x, scale))),
        };
    }

    private static long RoundIntegral(long value, int scale)
    {
        if (scale >= 0)
        {
            return value;
        }
        if (scale < -18)
        {
            return 0;
        }
        var factor = (decimal)Math.Pow(10, -scale);
        return unchecked((long)(Int128)(Math.Round(value / factor, 0, MidpointRounding.AwayFromZero) * factor));
    }

    /// <summary>
    /// As Spark, which rounds <c>BigDecimal(Double.toString(x))</c>: the shortest decimal form of the double is
    /// rounded, so round(2.675, 2) is 2.68 even though the binary value is slightly below 2.675.
    /// </summary>
    public static double RoundHalfUp(double value, int scale)
    {
        if (!double.IsFinite(value) || scale > 28)
        {
            return value;
        }
        if (Math.Abs(value) < 1e27 && scale >= -27
            && decimal.TryParse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
        {
            if (scale >= 0)
            {
                return (double)Math.Round(exact, scale, MidpointRounding.AwayFromZero);
            }
            var factor = (decimal)Math.Pow(10, -scale);
            return (double)(Math.Round(exact / factor, 0, MidpointRounding.AwayFromZero) * factor);
        }
        var power = Math.Pow(10, scale);
        return scale >= 0 ? value : Math.Round(value * power, MidpointRounding.AwayFromZero) / power;
    }
}
