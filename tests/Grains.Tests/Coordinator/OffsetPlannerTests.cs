using Sluice.Coordinator;

namespace Sluice.Tests.Coordinator;

public class OffsetPlannerTests
{
    private static Dictionary<int, long> P(params long[] offsets) =>
        offsets.Select((o, i) => (o, i)).ToDictionary(x => x.i, x => x.o);

    [Fact]
    public void PlanEnd_NoLimit_TakesEverythingAvailable() =>
        Assert.Equal(P(10, 20), OffsetPlanner.PlanEnd(P(0, 5), P(10, 20), maxOffsetsPerTrigger: null));

    [Fact]
    public void PlanEnd_Limit_SplitsInProportionToBacklog()
    {
        // Backlogs 100 and 300 with a limit of 40: shares of 10 and 30, as Spark's rateLimit.
        Assert.Equal(P(110, 330), OffsetPlanner.PlanEnd(P(100, 300), P(200, 600), maxOffsetsPerTrigger: 40));
    }

    [Fact]
    public void PlanEnd_Limit_SmallShareRoundsUpSoEveryPartitionProgresses()
    {
        var end = OffsetPlanner.PlanEnd(P(0, 0), P(1, 1000), maxOffsetsPerTrigger: 10);

        Assert.Equal(1, end[0]);
        Assert.Equal(9, end[1]);
    }

    [Fact]
    public void PlanEnd_Target_CapsAtTheTarget() =>
        Assert.Equal(P(5, 7), OffsetPlanner.PlanEnd(P(0, 0), P(50, 70), null, target: P(5, 7)));

    [Fact]
    public void PlanEnd_NothingNew_HasNoNewData()
    {
        var end = OffsetPlanner.PlanEnd(P(5, 7), P(5, 7), 100);

        Assert.False(OffsetPlanner.HasNewData(P(5, 7), end));
    }

    [Fact]
    public void PlanEnd_PartitionMissingFromLatest_StaysWhereItWas() =>
        Assert.Equal(P(3, 9), OffsetPlanner.PlanEnd(P(3, 4), new Dictionary<int, long> { [1] = 9 }, null));
}
