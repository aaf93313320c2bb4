using Sluice.Contracts;
using Sluice.Coordinator;

namespace Sluice.Tests.Coordinator;

public class SiloLossTests
{
    public static TheoryData<Exception> Lost() =>
    [
        new SiloUnavailableException("silo S127.0.0.1:1 is dead"),
        new OrleansException("a call failed", new SiloUnavailableException()),
        new TimeoutException("Response did not arrive on time"),
        new BatchAttemptLostException("key group 3 received records from 1 of the 2 agents"),
        new InvalidOperationException("wrapped", new SiloUnavailableException()),
        new AggregateException(new ArgumentException("other"), new TimeoutException()),
    ];

    [Theory]
    [MemberData(nameof(Lost))]
    public void Caused_ClusterFailures_AreRetried(Exception e) => Assert.True(SiloLoss.Caused(e));

    public static TheoryData<Exception> QueryErrors() =>
    [
        new InvalidOperationException("commits/3 appeared in checkpoint 'x' while this run committed it"),
        new FormatException("bad record"),
        new OrleansException("a grain method threw"),
        new AggregateException(new ArgumentException("a"), new KeyNotFoundException("no processor named 'x'")),
    ];

    [Theory]
    [MemberData(nameof(QueryErrors))]
    public void Caused_QueryErrors_FailTheQuery(Exception e) => Assert.False(SiloLoss.Caused(e));
}
