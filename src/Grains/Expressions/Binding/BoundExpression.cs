using Sluice.Data;
using Sluice.Expressions.Evaluation;

namespace Sluice.Expressions.Binding;

/// <summary>
/// A type-checked expression and its compiled evaluator, a <c>Func&lt;object?[], T&gt;</c> in the representation
/// of <see cref="Type"/> (see <see cref="Representation"/>). An expression whose inputs are all constant is folded
/// to a constant when it is built.
/// </summary>
internal sealed class BoundExpression
{
    private static readonly object?[] NoRow = [];
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    private BoundExpression(DataType type, Delegate evaluator, bool isConstant, int columnIndex = -1)
    {
        Type = type;
        Evaluator = evaluator;
        IsConstant = isConstant;
        _columnIndex = columnIndex;
    }

    // The input column a plain column reference reads (-1: any other expression).
    private readonly int _columnIndex;

    public DataType Type { get; }

    public Delegate Evaluator { get; }

    public bool IsConstant { get; }

    /// <summary>The value of a constant expression (boxed).</summary>
    public object? ConstantValue => IsConstant ? Boxed()(NoRow) : throw new InvalidOperationException("not a constant");

    /// <summary>The typed evaluator; <typeparamref name="T"/> must be the representation of <see cref="Type"/>.</summary>
    public Func<object?[], T> As<T>() => (Func<object?[], T>)Evaluator;

    public Func<object?[], object?> Boxed()
    {
        if (Type.Kind == DataTypeKind.Boolean)
        {
            // Filters box a boolean per row: reuse two boxes instead of allocating.
            var predicate = As<bool?>();
            return row => predicate(row) is bool b ? (b ? BoxedTrue : BoxedFalse) : null;
        }
        if (_columnIndex >= 0)
        {
            // A column reference's value is already boxed in the row, as the typed read would box it again: pass it on
            // (a select of columns, a grouping or join key, an aggregate's argument allocate nothing per row).
            var i = _columnIndex;
            return row => row[i];
        }
        return (Func<object?[], object?>)Representation.Dispatch(Type, new Boxer(Evaluator));
    }

    public static BoundExpression Constant(DataType type, object? value) =>
        new(type, Representation.Dispatch(type, new ConstantBuilder(value)), isConstant: true);

    public static BoundExpression Column(DataType type, int index) =>
        new(type, Representation.Dispatch(type, new ColumnReader(index)), isConstant: false, columnIndex: index);

    /// <summary>
    /// A value that is the same for every row of a batch but changes between batches (<c>current_timestamp()</c>):
    /// never folded to a constant, so each batch evaluates it again.
    /// </summary>
    public static BoundExpression PerBatch(DataType type, Delegate evaluator) => new(type, evaluator, isConstant: false);

    /// <summary>An operator over <paramref name="inputs"/>; folded to a constant when every input is constant.</summary>
    public static BoundExpression Of(DataType type, Delegate evaluator, params ReadOnlySpan<BoundExpression> inputs)
    {
        foreach (var input in inputs)
        {
            if (!input.IsConstant)
            {
                return new BoundExpression(type, evaluator, isConstant: false);
            }
        }
        var folded = new BoundExpression(type, evaluator, isConstant: false);
        return Constant(type, folded.Boxed()(NoRow));
    }

    private readonly struct ConstantBuilder(object? value) : IRepresentationBuilder
    {
        public Delegate Build<T>()
        {
            var constant = (T)value!;
            return new Func<object?[], T>(_ => constant);
        }
    }

    private readonly struct ColumnReader(int index) : IRepresentationBuilder
    {
        public Delegate Build<T>()
        {
            var i = index;
            return new Func<object?[], T>(row => (T)row[i]!);
        }
    }

    private readonly struct Boxer(Delegate evaluator) : IRepresentationBuilder
    {
        public Delegate Build<T>()
        {
            var typed = (Func<object?[], T>)evaluator;
            return new Func<object?[], object?>(row => typed(row));
        }
    }
}
