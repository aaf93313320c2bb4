using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Polls a Confluent.Kafka consumer's librdkafka handle directly (<c>rd_kafka_consumer_poll</c>, as its own
/// <c>Consume</c> does), so a record's value is parsed straight out of librdkafka's buffer: Confluent.Kafka's
/// <c>Consume</c> allocates a result, a message, an offset and a marshalled copy of the native message per record,
/// about 250 bytes, twice what the whole Kafka path may allocate per event. Used for format json, which needs nothing
/// but the offset and the value.
/// </summary>
/// <remarks>
/// The handle is Confluent.Kafka's internal <c>Handle.LibrdkafkaHandle</c>, reached by reflection; when that or the
/// exports are missing, <see cref="TryCreate"/> gives null and the reader keeps <c>Consume</c>.
/// <c>rd_kafka_message_t</c>'s layout is librdkafka's stable public ABI.
/// </remarks>
internal sealed unsafe class NativeConsumerPoll
{
    /// <summary><c>RD_KAFKA_RESP_ERR__PARTITION_EOF</c>.</summary>
    private const int PartitionEof = -191;

    private static readonly Lazy<Functions?> Bound = new(Bind);

    private readonly Functions _functions;
    private readonly SafeHandle _handle;

    private NativeConsumerPoll(Functions functions, SafeHandle handle)
    {
        _functions = functions;
        _handle = handle;
    }

    private sealed class Functions
    {
        public delegate* unmanaged<nint, int, RdKafkaMessage*> ConsumerPoll;
        public delegate* unmanaged<RdKafkaMessage*, void> MessageDestroy;
    }

    /// <summary><c>rd_kafka_message_t</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct RdKafkaMessage
    {
        public int Err;
        public nint Topic;
        public int Partition;
        public nint Payload;
        public nuint Length;
        public nint Key;
        public nuint KeyLength;
        public long Offset;
        public nint Private;
    }

    /// <summary>A poller for <paramref name="consumer"/>'s handle, or null when this Confluent.Kafka or librdkafka does not allow one.</summary>
    public static NativeConsumerPoll? TryCreate(IConsumer<byte[]?, byte[]?> consumer)
    {
        var functions = Bound.Value;
        var handle = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(consumer.Handle) as SafeHandle;
        return functions is null || handle is null || handle.IsInvalid ? null : new NativeConsumerPoll(functions, handle);
    }

    /// <summary>
    /// The next message, or null when none arrived within <paramref name="timeout"/>; release it with <see cref="Destroy"/>.
    /// An error other than the partition's end is thrown as <see cref="ConsumeException"/>, as <c>Consume</c> does.
    /// </summary>
    public RdKafkaMessage* Poll(TimeSpan timeout, string topic)
    {
        var added = false;
        _handle.DangerousAddRef(ref added);
        try
        {
            var message = _functions.ConsumerPoll(_handle.DangerousGetHandle(), (int)timeout.TotalMilliseconds);
            if (message is null || message->Err == 0 || message->Err == PartitionEof)
            {
                return message;
            }
            var error = message->Err;
            var reason = message->Payload != 0 ? Marshal.PtrToStringUTF8(message->Payload, (int)message->Length) : RdKafkaNative.ErrorText(error);
            var position = new TopicPartitionOffset(topic, new Partition(message->Partition), new Offset(message->Offset));
            _functions.MessageDestroy(message);
            throw new ConsumeException(new ConsumeResult<byte[], byte[]> { TopicPartitionOffset = position }, new Error((Confluent.Kafka.ErrorCode)error, reason));
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }
    }

    public static bool IsPartitionEof(RdKafkaMessage* message) => message->Err == PartitionEof;

    /// <summary>The value's bytes, valid until <see cref="Destroy"/>; <paramref name="isNull"/> for a tombstone.</summary>
    public static ReadOnlySpan<byte> ValueOf(RdKafkaMessage* message, out bool isNull)
    {
        isNull = message->Payload == 0;
        return isNull ? default : new ReadOnlySpan<byte>((void*)message->Payload, checked((int)message->Length));
    }

    public void Destroy(RdKafkaMessage* message)
    {
        if (message is not null)
        {
            _functions.MessageDestroy(message);
        }
    }

    private static Functions? Bind()
    {
        try
        {
            var library = RdKafkaNative.LoadConfluentsLibrary();
            return NativeLibrary.TryGetExport(library, "rd_kafka_consumer_poll", out var poll)
                && NativeLibrary.TryGetExport(library, "rd_kafka_message_destroy", out var destroy)
                ? new Functions
                {
                    ConsumerPoll = (delegate* unmanaged<nint, int, RdKafkaMessage*>)poll,
                    MessageDestroy = (delegate* unmanaged<RdKafkaMessage*, void>)destroy,
                }
                : null;
        }
        catch (Exception e) when (e is InvalidOperationException or DllNotFoundException or IOException)
        {
            return null;
        }
    }
}
