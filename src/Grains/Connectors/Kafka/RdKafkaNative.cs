using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// The few librdkafka functions Confluent.Kafka does not wrap: a bare client handle and the mock cluster API
/// (<c>rdkafka_mock.h</c>). Bound through function pointers into the very library Confluent.Kafka loaded, so one
/// copy of librdkafka serves the process and no assembly-wide <c>DllImport</c> resolver is claimed.
/// </summary>
/// <remarks>
/// The mock API is marked experimental by librdkafka and carries no ABI guarantee; the signatures here match
/// librdkafka 2.x as bundled with Confluent.Kafka 2.16.
/// </remarks>
internal static unsafe class RdKafkaNative
{
    private const int ProducerType = 0;
    private const int ErrorTextSize = 512;

    private static readonly Lazy<Functions> _functions = new(Bind);

    private sealed class Functions
    {
        public delegate* unmanaged<nint> ConfNew;
        public delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int> ConfSet;
        public delegate* unmanaged<nint, void> ConfDestroy;
        public delegate* unmanaged<int, nint, byte*, nuint, nint> New;
        public delegate* unmanaged<nint, void> Destroy;
        public delegate* unmanaged<int, byte*> Err2Str;
        public delegate* unmanaged<nint, nint> HandleMockCluster;
        public delegate* unmanaged<nint, byte*> MockClusterBootstraps;
        public delegate* unmanaged<nint, byte*, int, int, int> MockTopicCreate;
        public delegate* unmanaged<nint, byte*, int, long, int> MockPartitionDeleteRecords;
        public delegate* unmanaged<nint, short, nuint, int*, void> MockPushRequestErrors;
        public delegate* unmanaged<nint, short, short, short, int> MockSetApiVersion;
    }

    /// <summary>Creates a producer handle that owns a mock cluster of <paramref name="brokers"/> brokers.</summary>
    public static nint NewMockClusterOwner(int brokers)
    {
        var f = _functions.Value;
        var conf = f.ConfNew();
        var error = stackalloc byte[ErrorTextSize];
        SetOrThrow(f, conf, "test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture), error);
        // The owning handle never produces; keep it quiet and cheap.
        SetOrThrow(f, conf, "log_level", "3", error);
        SetOrThrow(f, conf, "client.id", "sluice-embedded-kafka", error);
        var rk = f.New(ProducerType, conf, error, ErrorTextSize);
        if (rk == 0)
        {
            f.ConfDestroy(conf);
            throw new InvalidOperationException($"librdkafka could not create the embedded Kafka cluster: {Marshal.PtrToStringUTF8((nint)error)}");
        }
        return rk;
    }

    public static void Destroy(nint rk) => _functions.Value.Destroy(rk);

    /// <summary>The mock cluster a handle created with <c>test.mock.num.brokers</c> owns.</summary>
    public static nint MockCluster(nint rk)
    {
        var cluster = _functions.Value.HandleMockCluster(rk);
        return cluster != 0 ? cluster : throw new InvalidOperationException("librdkafka did not start a mock cluster for the embedded Kafka handle.");
    }

    public static string MockBootstraps(nint cluster) =>
        Marshal.PtrToStringUTF8((nint)_functions.Value.MockClusterBootstraps(cluster))
        ?? throw new InvalidOperationException("The embedded Kafka cluster reported no bootstrap servers.");

    /// <summary>Returns librdkafka's error code (0 when the topic was created).</summary>
    public static int MockTopicCreate(nint cluster, string topic, int partitions, int replicationFactor)
    {
        fixed (byte* name = NullTerminated(topic))
        {
            return _functions.Value.MockTopicCreate(cluster, name, partitions, replicationFactor);
        }
    }

    /// <summary>Returns librdkafka's error code (0 when the records before <paramref name="beforeOffset"/> were deleted).</summary>
    public static int MockDeleteRecords(nint cluster, string topic, int partition, long beforeOffset)
    {
        var f = _functions.Value;
        if (f.MockPartitionDeleteRecords is null)
        {
            throw new NotSupportedException("This librdkafka build does not export rd_kafka_mock_partition_delete_records.");
        }
        fixed (byte* name = NullTerminated(topic))
        {
            return f.MockPartitionDeleteRecords(cluster, name, partition, beforeOffset);
        }
    }

    /// <summary>The next <paramref name="errors"/>.Length requests of API <paramref name="apiKey"/>, from any client, fail with these codes.</summary>
    public static void MockPushRequestErrors(nint cluster, short apiKey, int[] errors)
    {
        var f = _functions.Value;
        if (f.MockPushRequestErrors is null)
        {
            throw new NotSupportedException("This librdkafka build does not export rd_kafka_mock_push_request_errors_array.");
        }
        fixed (int* codes = errors)
        {
            f.MockPushRequestErrors(cluster, apiKey, (nuint)errors.Length, codes);
        }
    }

    /// <summary>Returns librdkafka's error code (0 when the brokers now advertise versions <paramref name="min"/>..<paramref name="max"/> of the API).</summary>
    public static int MockSetApiVersion(nint cluster, short apiKey, short min, short max)
    {
        var f = _functions.Value;
        if (f.MockSetApiVersion is null)
        {
            throw new NotSupportedException("This librdkafka build does not export rd_kafka_mock_set_apiversion.");
        }
        return f.MockSetApiVersion(cluster, apiKey, min, max);
    }

    public static string ErrorText(int code) => Marshal.PtrToStringUTF8((nint)_functions.Value.Err2Str(code)) ?? $"error {code}";

    private static void SetOrThrow(Functions f, nint conf, string name, string value, byte* error)
    {
        fixed (byte* n = NullTerminated(name))
        fixed (byte* v = NullTerminated(value))
        {
            if (f.ConfSet(conf, n, v, error, ErrorTextSize) != 0)
            {
                f.ConfDestroy(conf);
                throw new InvalidOperationException($"librdkafka rejected {name}={value}: {Marshal.PtrToStringUTF8((nint)error)}");
            }
        }
    }

    private static byte[] NullTerminated(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    private static Functions Bind()
    {
        var library = LoadConfluentsLibrary();
        return new Functions
        {
            ConfNew = (delegate* unmanaged<nint>)Export(library, "rd_kafka_conf_new"),
            ConfSet = (delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int>)Export(library, "rd_kafka_conf_set"),
            ConfDestroy = (delegate* unmanaged<nint, void>)Export(library, "rd_kafka_conf_destroy"),
            New = (delegate* unmanaged<int, nint, byte*, nuint, nint>)Export(library, "rd_kafka_new"),
            Destroy = (delegate* unmanaged<nint, void>)Export(library, "rd_kafka_destroy"),
            Err2Str = (delegate* unmanaged<int, byte*>)Export(library, "rd_kafka_err2str"),
            HandleMockCluster = (delegate* unmanaged<nint, nint>)Export(library, "rd_kafka_handle_mock_cluster"),
            MockClusterBootstraps = (delegate* unmanaged<nint, byte*>)Export(library, "rd_kafka_mock_cluster_bootstraps"),
            MockTopicCreate = (delegate* unmanaged<nint, byte*, int, int, int>)Export(library, "rd_kafka_mock_topic_create"),
            MockPartitionDeleteRecords = NativeLibrary.TryGetExport(library, "rd_kafka_mock_partition_delete_records", out var delete)
                ? (delegate* unmanaged<nint, byte*, int, long, int>)delete
                : null,
            MockPushRequestErrors = NativeLibrary.TryGetExport(library, "rd_kafka_mock_push_request_errors_array", out var push)
                ? (delegate* unmanaged<nint, short, nuint, int*, void>)push
                : null,
            MockSetApiVersion = NativeLibrary.TryGetExport(library, "rd_kafka_mock_set_apiversion", out var version)
                ? (delegate* unmanaged<nint, short, short, short, int>)version
                : null,
        };
    }

    private static nint Export(nint library, string name) =>
        NativeLibrary.TryGetExport(library, name, out var address)
            ? address
            : throw new InvalidOperationException($"The librdkafka that Confluent.Kafka loaded does not export {name}; the embedded Kafka needs a build with the mock cluster API.");

    /// <summary>
    /// Confluent.Kafka picks one of several bundled builds at run time (here the centos8 one, since the default needs
    /// libsasl2). Asking the loader for the file already mapped into the process returns that same instance.
    /// </summary>
    internal static nint LoadConfluentsLibrary()
    {
        Library.Load();
        if (OperatingSystem.IsLinux() && MappedLibrdkafkaPath() is { } path)
        {
            return NativeLibrary.Load(path);
        }
        if (NativeLibrary.TryLoad("librdkafka", typeof(Library).Assembly, null, out var handle))
        {
            return handle;
        }
        throw new InvalidOperationException("Could not locate the librdkafka library that Confluent.Kafka loaded.");
    }

    private static string? MappedLibrdkafkaPath()
    {
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var slash = line.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && line.Contains("librdkafka", StringComparison.Ordinal))
            {
                return line[slash..].Trim();
            }
        }
        return null;
    }
}
