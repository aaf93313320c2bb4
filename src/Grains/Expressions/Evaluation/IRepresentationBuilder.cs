namespace Sluice.Expressions.Evaluation;

/// <summary>
/// Builds a delegate generic in the CLR representation <typeparamref name="T"/> of a SQL type (see
/// <see cref="Representation"/>); lets one piece of code serve every type without boxing values.
/// </summary>
internal interface IRepresentationBuilder
{
    Delegate Build<T>();
}
