namespace Sluice.Planning;

/// <summary>A stateless operator run by partition agents on a batch's rows, in place.</summary>
internal interface IRowOperator
{
    void Apply(List<object?[]> rows, BatchContext context);
}
