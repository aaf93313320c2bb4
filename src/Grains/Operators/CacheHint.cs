using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Sluice.Operators;

/// <summary>
/// Asks the CPU to bring memory into cache ahead of a read: for loops over keys in random order in tables larger than
/// the caches (an agent's encoded strings, a key group's slot index), which know a few keys ahead what they will read.
/// </summary>
internal static class CacheHint
{
    /// <summary>A hint only: prefetching never faults, so a stale address (the GC moved the array since) costs nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Prefetch<T>(ref T at)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref at));
        }
    }
}
