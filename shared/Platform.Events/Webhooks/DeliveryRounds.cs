using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Platform.Events.Webhooks;

/// <summary>
/// Group commit for the endpoint workers of one dispatcher: each worker hands in the outcome of the round
/// it sent and asks for its next round; whatever is handed in while the previous batch is in the database
/// goes in the next one (<see cref="WebhookStore.ExecuteRoundsAsync"/>: one transaction, one statement
/// batch). Under a stream of events twenty busy endpoints cost about one transaction per batch rather than
/// a query and a transaction per endpoint and round, and a slow endpoint holds back nobody: its worker is
/// simply not in the batches while it waits for its answer.
/// </summary>
internal sealed class DeliveryRounds(WebhookStore store, string owner, WebhookOptions options, ILogger logger)
{
    // Bounds one batch's statement (parameters per outcome: 9; SQLite allows 32,766 per statement).
    private const int MaxOutcomesPerBatch = 1000;

    private readonly Channel<Pending> _requests = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>
    /// Records <paramref name="request"/>'s outcomes (and renews the lease); when it asks, returns the
    /// endpoint's next round (null otherwise). Throws when the batch could not be written: nothing of it was.
    /// </summary>
    public Task<DeliveryRound?> SubmitAsync(RoundRequest request)
    {
        var pending = new Pending(request, new TaskCompletionSource<DeliveryRound?>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_requests.Writer.TryWrite(pending))
        {
            pending.Completion.SetException(new InvalidOperationException("The webhook dispatcher has stopped."));
        }

        return pending.Completion.Task;
    }

    /// <summary>Writes batches until <see cref="Complete"/> is called and every request handed in before it is done.</summary>
    public async Task RunAsync()
    {
        var batch = new List<Pending>();
        Pending? carried = null;
        while (carried is not null || await _requests.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            var outcomes = 0;
            if (carried is not null)
            {
                batch.Add(carried);
                outcomes += carried.Request.Outcomes.Count;
                carried = null;
            }

            while (_requests.Reader.TryRead(out var next))
            {
                if (batch.Count > 0 && outcomes + next.Request.Outcomes.Count > MaxOutcomesPerBatch)
                {
                    carried = next;
                    break;
                }

                batch.Add(next);
                outcomes += next.Request.Outcomes.Count;
            }

            try
            {
                // Not cancelled on shutdown: a stopping worker's last round must be recorded, or the next
                // instance sends it again.
                var rounds = await store.ExecuteRoundsAsync(
                    owner, options.LeaseMs, Math.Max(1, options.BatchSize), [.. batch.Select(p => p.Request)], CancellationToken.None);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetResult(pending.Request.Fetch ? rounds.GetValueOrDefault(pending.Request.SubscriptionId) : null);
                }
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Recording {Count} webhook rounds failed; their deliveries stay pending", batch.Count);
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(exception);
                }
            }
        }
    }

    /// <summary>No more requests: <see cref="RunAsync"/> ends once those handed in are written.</summary>
    public void Complete() => _requests.Writer.TryComplete();

    private sealed record Pending(RoundRequest Request, TaskCompletionSource<DeliveryRound?> Completion);
}
