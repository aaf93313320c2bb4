using System.Diagnostics;

namespace Sluice.Bench.Nexmark;

/// <summary>The process's largest working set while one query runs, sampled every 100 ms (the OS's peak covers the whole process life).</summary>
internal sealed class PeakWorkingSet : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public PeakWorkingSet()
    {
        Sample();
        _timer = new Timer(_ => Sample(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    public long PeakMb
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak) >> 20;
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        using var process = Process.GetCurrentProcess();
        var now = process.WorkingSet64;
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }
}
