using Confluent.Kafka;
using ErrorCode = Confluent.Kafka.ErrorCode;
using Orleans.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Contracts;
using Sluice.Errors;
using Sluice.Spec;

namespace Sluice.Tests.Coordinator;

/// <summary>What the silo's error boundary lets cross a grain call, checked through a real Orleans serializer round trip.</summary>
public sealed class SendableExceptionsTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer(b => b.AddAssembly(typeof(SluiceException).Assembly))
        .BuildServiceProvider().GetRequiredService<Serializer>();

    private static Exception RoundTrip(Exception e) => Serializer.Deserialize<Exception>(Serializer.SerializeToArray<Exception>(e))!;

    private static Exception Thrown(Func<Exception> make)
    {
        try
        {
            throw make();
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [Fact]
    public void ClearMessageAroundAKafkaException_WithoutTheBoundary_DoesNotSerialize()
    {
        var e = new InvalidOperationException("Kafka at h:9092 could not list offsets of topic 'ev'", new KafkaException(ErrorCode.InvalidRequest));

        Assert.False(SendableExceptions.IsSendable(e));
        Assert.Throws<CodecNotFoundException>(() => Serializer.SerializeToArray<Exception>(e));
    }

    [Fact]
    public void ClearMessageAroundAKafkaException_CrossesAsItsMessagesAndTypeNames()
    {
        var original = Thrown(() => new InvalidOperationException("Kafka at h:9092 could not list offsets of topic 'ev'", new KafkaException(ErrorCode.InvalidRequest)));

        var received = Assert.IsType<SluiceException>(RoundTrip(SendableExceptions.For(original)));

        Assert.Equal("Kafka at h:9092 could not list offsets of topic 'ev'", received.Message);
        Assert.Equal("System.InvalidOperationException", received.OriginalType);
        var inner = Assert.IsType<SluiceException>(received.InnerException);
        Assert.Equal("Confluent.Kafka.KafkaException", inner.OriginalType);
        Assert.Equal("Broker: Invalid request", inner.Message);
        Assert.Contains(nameof(Thrown), received.StackTrace, StringComparison.Ordinal);
    }

    [Fact]
    public void ContractAndSystemExceptions_CrossUnchanged()
    {
        Exception[] sendable =
        [
            new SpecException("$.sink", "missing required field"),
            new QueryStartException("busy"),
            new KeyNotFoundException("No query named 'x'"),
            new BatchAttemptLostException("lost", new TimeoutException("late")),
            new AggregateException(new TimeoutException("a"), new QueryStartException("b")),
        ];

        Assert.All(sendable, e => Assert.Same(e, SendableExceptions.For(e)));
        Assert.Equal("$.sink", Assert.IsType<SpecException>(RoundTrip(sendable[0])).Path);
    }

    [Fact]
    public void SendablePartsOfAnUnsendableGraph_KeepTheirTypes()
    {
        var e = new KafkaException(new Error(ErrorCode.Local_Transport), new TimeoutException("no broker"));

        var converted = Assert.IsType<SluiceException>(RoundTrip(SendableExceptions.For(e)));

        Assert.IsType<TimeoutException>(converted.InnerException);
    }
}
