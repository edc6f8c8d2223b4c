namespace Platform.Messaging;

/// <summary>
/// Wakes one waiting loop in this process (a relay, a dispatcher, a worker) so it does not sleep until its
/// next poll. Notifications do not add up: any number before the next wait wake it once, which is all a
/// loop that then looks for everything to do needs.
/// </summary>
public sealed class WakeSignal
{
    // At most one pending wake-up: a second Notify before the wait has nothing more to say.
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another thread signalled between the check and the release: already awake.
            }
        }
    }

    /// <summary>Waits for a notification or the timeout; true when notified.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);
}
