using Orleans.Configuration;

namespace Sluice.Silo.Hosting;

/// <summary>
/// Sluice's cluster-mode failure detection, tighter than Orleans' defaults so that a query whose silo is killed resumes
/// on another within 10 s (deploy/README.md has the figures). Orleans declares a silo dead once
/// <see cref="ClusterMembershipOptions.NumVotesForDeathDeclaration"/> silos each saw
/// <see cref="ClusterMembershipOptions.NumMissedProbesLimit"/> probes in a row go unanswered within
/// <see cref="ClusterMembershipOptions.ProbeTimeout"/>; the query manager restarts its queries the moment that
/// happens (<c>SiloDeathWatch</c>). The trade-off: a silo that cannot answer probes for about 6 s (a long GC pause, a
/// starved CPU, a network blip) is declared dead and must restart, and its queries move. Raise these under
/// <c>Silo:Membership</c> when false declarations cost more than slower failover. (2 s x 2 probes was tried first: on
/// a 2-core machine at load average 50, silos that were still starting were declared dead.)
/// </summary>
internal static class FailureDetection
{
    public static void ApplyDefaults(ClusterMembershipOptions o)
    {
        // Orleans: 5 s and 3 missed probes, 15 s or more before the votes start.
        o.ProbeTimeout = TimeSpan.FromSeconds(3);
        o.NumMissedProbesLimit = 2;
        // Orleans would lengthen the probe timeout while this silo itself looks degraded (thread pool delays, a loaded
        // machine): exactly when the 10 s matter. Indirect probes through a third silo still guard against a bad link.
        o.ExtendProbeTimeoutDuringDegradation = false;
        // The adaptive timeout may grow to this on slow links; Orleans' default is four times ProbeTimeout.
        o.MaxProbeTimeout = TimeSpan.FromSeconds(4);
        // Silos that did not vote learn of the declaration through gossip at once; this is the fallback re-read.
        o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
    }
}
