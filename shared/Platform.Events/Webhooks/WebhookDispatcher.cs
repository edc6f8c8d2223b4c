using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Events.Webhooks;

/// <summary>
/// Delivers webhooks with one ordered queue per endpoint: a worker per endpoint sends its deliveries one
/// after another, in the order the events were logged, so events about one subject arrive in order.
/// A failed attempt blocks only that endpoint (retried with exponential backoff, dead-lettered after
/// <see cref="WebhookOptions.MaxAttempts"/>, then the queue moves on); every other endpoint, of this
/// account or another, has its own worker. Instances share the work through a lease per endpoint.
/// At least once: a crash between a 2xx and its record repeats that delivery with the same event id.
/// </summary>
public sealed class WebhookDispatcher(
    WebhookStore store, WebhookSender sender, DeliverySignal signal, EventsOptions options, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<string, Task> _workers = new(StringComparer.Ordinal);
    private readonly WebhookOptions _webhooks = options.Webhooks;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var max = Math.Max(1, _webhooks.MaxConcurrentEndpoints);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_workers.Count < max)
                {
                    foreach (var id in await store.FindDueSubscriptionsAsync(max, stoppingToken))
                    {
                        if (_workers.Count >= max)
                        {
                            break;
                        }

                        if (!_workers.ContainsKey(id))
                        {
                            _workers[id] = Task.Run(() => WorkAsync(id, stoppingToken), CancellationToken.None);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Webhook dispatcher could not look for due deliveries; retrying");
            }

            try
            {
                await signal.WaitAsync(TimeSpan.FromMilliseconds(Math.Max(10, _webhooks.PollIntervalMs)), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_workers.Values);
    }

    private async Task WorkAsync(string subscriptionId, CancellationToken stoppingToken)
    {
        var leased = false;
        try
        {
            leased = await store.TryLeaseAsync(subscriptionId, _owner, _webhooks.LeaseMs, stoppingToken);
            while (leased && !stoppingToken.IsCancellationRequested)
            {
                var subscription = await store.FindForDeliveryAsync(subscriptionId, stoppingToken);
                var queue = subscription is null ? [] : await store.NextDeliveriesAsync(subscriptionId, Math.Max(1, _webhooks.BatchSize), stoppingToken);
                if (queue.Count == 0)
                {
                    break;
                }

                if (!await DeliverRoundAsync(subscription!, queue, stoppingToken))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what was not recorded is sent again by whoever takes the endpoint next.
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Webhook worker for {SubscriptionId} failed; its queue is kept", subscriptionId);
        }
        finally
        {
            if (leased)
            {
                try
                {
                    await store.ReleaseLeaseAsync(subscriptionId, _owner, CancellationToken.None);
                }
                catch (Exception exception)
                {
                    logger.LogWarning(exception, "Could not release the lease of {SubscriptionId}; it lapses by itself", subscriptionId);
                }
            }

            _workers.TryRemove(subscriptionId, out _);
            // Deliveries queued while this worker was finishing were skipped by the dispatcher (leased): look again.
            signal.Notify();
        }
    }

    /// <summary>Sends the queue head in order until one fails; records the round. False when the endpoint must wait.</summary>
    private async Task<bool> DeliverRoundAsync(WebhookSubscription subscription, IReadOnlyList<QueuedDelivery> queue, CancellationToken stoppingToken)
    {
        var outcomes = new List<AttemptOutcome>(queue.Count);
        var round = Stopwatch.StartNew();
        long blockedUntil = 0;
        foreach (var delivery in queue)
        {
            var attempt = delivery.Attempts + 1;
            var startedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var result = await sender.SendAsync(subscription, delivery, attempt, stoppingToken);
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            EventsTelemetry.DeliveryDuration.Record(result.Duration.TotalMilliseconds);
            var duration = (long)result.Duration.TotalMilliseconds;
            if (result.Succeeded)
            {
                EventsTelemetry.DeliveryAttempts.Add(1, new KeyValuePair<string, object?>("outcome", "succeeded"));
                EventsTelemetry.DeliveryLag.Record(now - delivery.EventLoggedAt);
                outcomes.Add(new(delivery.Id, attempt, startedAt, duration, result.StatusCode, null, DeliveryStatus.Succeeded, now, now));
            }
            else if (attempt >= _webhooks.MaxAttempts)
            {
                EventsTelemetry.DeliveryAttempts.Add(1, new KeyValuePair<string, object?>("outcome", "dead"));
                logger.LogWarning(
                    "Webhook delivery {DeliveryId} of event {EventId} to {SubscriptionId} dead-lettered after {Attempts} attempts: {Error}",
                    delivery.Id, delivery.EventId, subscription.Id, attempt, result.Error);
                outcomes.Add(new(delivery.Id, attempt, startedAt, duration, result.StatusCode, result.Error, DeliveryStatus.Dead, now, now));
            }
            else
            {
                EventsTelemetry.DeliveryAttempts.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
                blockedUntil = now + (long)RetryBackoff.After(attempt, _webhooks).TotalMilliseconds;
                logger.LogInformation(
                    "Webhook delivery {DeliveryId} to {SubscriptionId} failed (attempt {Attempt}: {Error}); retrying at {RetryAt}",
                    delivery.Id, subscription.Id, attempt, result.Error, DateTimeOffset.FromUnixTimeMilliseconds(blockedUntil));
                outcomes.Add(new(delivery.Id, attempt, startedAt, duration, result.StatusCode, result.Error, DeliveryStatus.Pending, blockedUntil, null));
                break;
            }

            // Record before the lease could lapse, so no other instance starts on the same queue.
            if (round.ElapsedMilliseconds > _webhooks.LeaseMs / 2)
            {
                break;
            }
        }

        await store.RecordAsync(subscription.Id, _owner, outcomes, blockedUntil, _webhooks.LeaseMs, CancellationToken.None);
        return blockedUntil == 0;
    }
}
