namespace Sluice.Connectors.Nexmark;

/// <summary>
/// SplitMix64 seeded from the seed and the event number, so each event's fields are a pure function of both (Beam's
/// generator seeds a <c>Random</c> per event id for the same reason): any partition can make any event without the others.
/// </summary>
internal struct NexmarkRandom(long seed, long eventNumber)
{
    private ulong _state = Mix(((ulong)seed * 0xD1B54A32D192ED03UL) ^ (ulong)eventNumber);

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, bound).</summary>
    public int NextInt(int bound) => (int)(((NextULong() >> 32) * (ulong)bound) >> 32);

    /// <summary>Uniform in [0, bound) (the suites' <c>LongGenerator.nextLong</c>).</summary>
    public long NextLong(long bound) => (long)(NextULong() % (ulong)bound);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
