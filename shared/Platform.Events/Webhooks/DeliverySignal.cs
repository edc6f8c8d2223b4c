using System.Collections.Concurrent;
using Platform.Messaging;

namespace Platform.Events.Webhooks;

/// <summary>
/// Wakes the dispatcher in this process: for named endpoints (the ingestor just queued deliveries for
/// them, so their workers start or go on without a query), or to look in the database for every endpoint
/// with due deliveries (a replay, a worker that stopped, a retry that came due).
/// </summary>
public sealed class DeliverySignal
{
    private readonly WakeSignal _signal = new();
    private readonly ConcurrentQueue<string> _subscriptions = new();
    private int _scan;

    /// <summary>Something may be due anywhere: the dispatcher looks in the database.</summary>
    public void Notify()
    {
        Volatile.Write(ref _scan, 1);
        _signal.Notify();
    }

    /// <summary>Deliveries were queued for these endpoints.</summary>
    public void Notify(IReadOnlyCollection<string> subscriptionIds)
    {
        if (subscriptionIds.Count == 0)
        {
            return;
        }

        foreach (var id in subscriptionIds)
        {
            _subscriptions.Enqueue(id);
        }

        _signal.Notify();
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    /// <summary>Whether a database look was asked for since the last call (and clears the request).</summary>
    internal bool TakeScan() => Interlocked.Exchange(ref _scan, 0) == 1;

    /// <summary>The endpoints named since the last call, each once.</summary>
    internal IReadOnlyCollection<string> TakeSubscriptions()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (_subscriptions.TryDequeue(out var id))
        {
            ids.Add(id);
        }

        return ids;
    }
}
