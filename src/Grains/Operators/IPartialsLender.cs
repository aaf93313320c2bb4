namespace Sluice.Operators;

/// <summary>
/// A columnar route that writes its payloads into pooled buffers and lends them to the <see cref="KeyGroupRouter"/>
/// until every key group's call returned (<see cref="KeyGroupRouter.Delivered"/>); only then may it write over them.
/// </summary>
internal interface IPartialsLender
{
    /// <summary>The payloads lent last are no longer read.</summary>
    void Release();
}
