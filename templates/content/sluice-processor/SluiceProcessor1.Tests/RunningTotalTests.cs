using Sluice.Processing;

namespace SluiceProcessor1.Tests;

/// <summary>The processor is a plain class: call it with rows and a test state, as the silo would each batch.</summary>
public sealed class RunningTotalTests
{
    private static readonly DateTime Noon = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void FirstPurchases_StartTheTotal()
    {
        var state = TestGroupState.Empty<RunningTotal.Total>();

        var output = new RunningTotal().Process("u1", [new Purchase("u1", 2.5, Noon), new Purchase("u1", 4.0, Noon.AddMinutes(1))], state).ToList();

        Assert.Equal([new RunningTotal.UserTotal("u1", 2, 6.5)], output);
        Assert.Equal(2, state.Get().Purchases);
    }

    [Fact]
    public void LaterPurchases_AddToTheStoredTotal()
    {
        var state = TestGroupState.Create(new RunningTotal.Total(3, 10.0, 0));

        var output = new RunningTotal().Process("u1", [new Purchase("u1", 1.0, Noon)], state).ToList();

        Assert.Equal([new RunningTotal.UserTotal("u1", 4, 11.0)], output);
    }

    [Fact]
    public void Timeout_ForgetsTheUser()
    {
        var state = TestGroupState.Create(new RunningTotal.Total(3, 10.0, 0), hasTimedOut: true);

        var output = new RunningTotal().Process("u1", [], state).ToList();

        Assert.Empty(output);
        Assert.False(state.Exists);
    }
}
