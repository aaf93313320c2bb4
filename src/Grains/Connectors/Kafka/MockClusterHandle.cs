using System.Runtime.InteropServices;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Owns the librdkafka handle that hosts an embedded mock cluster; releasing it stops the cluster's brokers.
/// A <see cref="SafeHandle"/> so a forgotten <see cref="EmbeddedKafka"/> still frees its listeners when finalized.
/// </summary>
internal sealed class MockClusterHandle : SafeHandle
{
    private MockClusterHandle(nint rk)
        : base(0, ownsHandle: true) => SetHandle(rk);

    public override bool IsInvalid => handle == 0;

    public static MockClusterHandle Create(int brokers) => new(RdKafkaNative.NewMockClusterOwner(brokers));

    protected override bool ReleaseHandle()
    {
        RdKafkaNative.Destroy(handle);
        return true;
    }
}
