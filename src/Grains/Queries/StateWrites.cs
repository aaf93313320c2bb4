using Microsoft.Extensions.Logging;

namespace Sluice.Queries;

/// <summary>
/// Writes one change to grain state so that a failed write does not leave the grain stuck. A write whose reply was lost
/// (the Redis client failing mid-command with "Reading is not allowed after reader was completed" or a cancellation) may
/// still have landed, which moves the stored ETag on: every later write of the same activation would then fail with a
/// version conflict (<see cref="InconsistentStateException"/>) until the grain deactivated. So after a failure the state is
/// read again, which brings the store's ETag and what another activation may have written, the change is applied to that
/// and written again, up to <see cref="Attempts"/> writes in all.
/// </summary>
/// <remarks>
/// Writes need no lock: the grain is not reentrant and its timer does not interleave, so one change is written at a time.
/// The change must be idempotent (it may be applied to a state that already holds it, when the failed write had landed).
/// </remarks>
internal static partial class StateWrites
{
    /// <summary>How many times a change is written before the failure reaches the caller.</summary>
    public const int Attempts = 3;

    /// <summary>
    /// Applies <paramref name="change"/> to the state and writes it; on a storage error, reads the state again, applies the
    /// change again and retries. Throws an <see cref="OrleansException"/> naming <paramref name="what"/> if every attempt fails.
    /// </summary>
    public static async Task ApplyAsync<T>(IPersistentState<T> state, Action<T> change, string what, ILogger logger)
    {
        change(state.State);
        OrleansException? failure = null;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                if (failure is not null)
                {
                    await state.ReadStateAsync();
                    change(state.State);
                }
                await state.WriteStateAsync();
                return;
            }
            catch (OrleansException e)
            {
                // Storage providers' errors reach the grain as OrleansException (the state bridge wraps any other type).
                failure = e;
                LogWriteFailed(logger, e, what, attempt, Attempts);
            }
        }
        throw new OrleansException(
            $"The query registry could not save {what} in the cluster's grain storage ({Attempts} attempts, reading the state again " +
            $"before each retry): {failure!.Message}",
            failure);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {What} to grain storage failed (attempt {Attempt} of {Attempts}); a retry reads the state again first")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string what, int attempt, int attempts);
}
