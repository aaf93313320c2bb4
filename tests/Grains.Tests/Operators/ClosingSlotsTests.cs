using Sluice.Operators;

namespace Sluice.Tests.Operators;

public sealed class ClosingSlotsTests
{
    [Fact]
    public void AReturnedList_HoldsTheNextNewTimesSlots_AndNothingOfTheClosedTime()
    {
        var closing = new ClosingSlots();
        closing.Add(1_000, 1);
        closing.Add(1_000, 2);
        var closed = closing.Take(1_000)!;
        Assert.Equal([1, 2], closed);

        closing.Return(closed);
        closing.Add(2_000, 5);
        var next = closing.Take(2_000);

        Assert.Same(closed, next);
        Assert.Equal([5], next);
    }

    [Fact]
    public void ATimeMarkedPartial_GivesItsListToTheNextTime_AndClosesByTheStoreScan()
    {
        var closing = new ClosingSlots();
        closing.Add(1_000, 1);
        closing.Add(2_000, 2);
        closing.MarkPartial(1_000);
        closing.Add(3_000, 3);

        Assert.Null(closing.Take(1_000));
        Assert.Equal([2], closing.Take(2_000));
        Assert.Equal([3], closing.Take(3_000));
    }

    [Fact]
    public void ListsOfOpenTimes_AreNeverShared()
    {
        var closing = new ClosingSlots();
        var taken = new List<List<int>>();
        for (var time = 0L; time < 6; time++)
        {
            closing.Add(time, (int)time);
        }
        for (var time = 0L; time < 6; time++)
        {
            taken.Add(closing.Take(time)!);
        }
        taken.ForEach(closing.Return);
        for (var time = 10L; time < 16; time++)
        {
            closing.Add(time, (int)time);
            closing.Add(time, (int)time + 100);
        }

        for (var time = 10L; time < 16; time++)
        {
            Assert.Equal([(int)time, (int)time + 100], closing.Take(time));
        }
    }

    [Fact]
    public void AListLargerThanTheSpareBound_IsLetGo()
    {
        var closing = new ClosingSlots();
        for (var slot = 0; slot < 20_000; slot++)
        {
            closing.Add(1_000, slot);
        }
        var large = closing.Take(1_000)!;

        closing.Return(large);
        closing.Add(2_000, 5);

        Assert.NotSame(large, closing.Take(2_000));
    }
}
