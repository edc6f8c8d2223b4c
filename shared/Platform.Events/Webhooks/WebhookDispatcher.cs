using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Messaging;

namespace Platform.Events.Webhooks;

/// <summary>
/// Delivers webhooks with one ordered queue per endpoint: a worker per endpoint sends its deliveries one
/// after another, in the order the events were logged, so events about one subject arrive in order.
/// A failed attempt blocks only that endpoint (retried with exponential backoff, dead-lettered after
/// <see cref="WebhookOptions.MaxAttempts"/>, then the queue moves on); every other endpoint, of this
/// account or another, has its own worker. Instances share the work through a lease per endpoint.
/// A worker takes its queue in rounds; the rounds of all workers are recorded and the next ones fetched
/// together (<see cref="DeliveryRounds"/>, one transaction per batch), and a worker whose queue is empty
/// keeps its lease a little while for the next events.
/// Exactly once per subscription while instances run and stop gracefully (a stop finishes the request in
/// flight and records the round); at least once across a crash: a crash between a 2xx and its record
/// repeats that delivery, with the same event id.
/// </summary>
public sealed class WebhookDispatcher(
    WebhookStore store, WebhookSender sender, DeliverySignal signal, EventsOptions options, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<string, EndpointWorker> _workers = new(StringComparer.Ordinal);
    private readonly WebhookOptions _webhooks = options.Webhooks;
    private DeliveryRounds? _rounds;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _rounds = new DeliveryRounds(store, _owner, _webhooks, logger);
        var rounds = _rounds.RunAsync();
        var max = Math.Max(1, _webhooks.MaxConcurrentEndpoints);
        var poll = TimeSpan.FromMilliseconds(Math.Max(10, _webhooks.PollIntervalMs));
        var nextScan = Stopwatch.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Endpoints the ingestor just queued deliveries for: a running worker goes on at once, the others
                // start, without a query. Everything else (other instances' deliveries, retries that came due,
                // replays, lapsed leases) is found by looking in the database, on request or every poll interval.
                foreach (var id in signal.TakeSubscriptions())
                {
                    if (_workers.TryGetValue(id, out var worker))
                    {
                        worker.Wake();
                    }
                    else
                    {
                        Start(id, max, stoppingToken);
                    }
                }

                if (signal.TakeScan() || Stopwatch.GetTimestamp() >= nextScan)
                {
                    nextScan = Stopwatch.GetTimestamp() + (long)(poll.TotalSeconds * Stopwatch.Frequency);
                    if (_workers.Count < max)
                    {
                        foreach (var id in await store.FindDueSubscriptionsAsync(max, stoppingToken))
                        {
                            Start(id, max, stoppingToken);
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
                var untilScan = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), nextScan);
                await signal.WaitAsync(untilScan > TimeSpan.Zero ? untilScan : TimeSpan.Zero, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(_workers.Values.Select(w => w.Completion));
        _rounds.Complete();
        await rounds;
    }

    private void Start(string subscriptionId, int max, CancellationToken stoppingToken)
    {
        if (_workers.Count >= max || _workers.ContainsKey(subscriptionId))
        {
            return;
        }

        var worker = new EndpointWorker();
        if (_workers.TryAdd(subscriptionId, worker))
        {
            worker.Completion = Task.Run(() => WorkAsync(subscriptionId, worker, stoppingToken), CancellationToken.None);
        }
    }

    private async Task WorkAsync(string subscriptionId, EndpointWorker worker, CancellationToken stoppingToken)
    {
        var rounds = _rounds!;
        var leased = false;
        // A worker with an empty queue waits this long for more before it lets the endpoint go: under a
        // stream of events it keeps its lease and goes on when woken, instead of leasing, looking and
        // releasing again for every batch the ingestor logs.
        var linger = TimeSpan.FromMilliseconds(Math.Max(10, Math.Min(_webhooks.PollIntervalMs, _webhooks.LeaseMs / 3)));
        // What goes to the database next: the last round's outcomes (none at first) and whether to fetch the next.
        RoundRequest? next = new(subscriptionId, [], null, Fetch: true);
        try
        {
            leased = await store.TryLeaseAsync(subscriptionId, _owner, _webhooks.LeaseMs, stoppingToken);
            while (leased)
            {
                // Records the previous round, renews the lease and fetches the next, together with other workers.
                var round = await rounds.SubmitAsync(next);
                next = null;
                if (round?.Subscription is null)
                {
                    // Deleted, waiting for a retry, or the lease went to another instance.
                    break;
                }

                if (round.Queue.Count == 0)
                {
                    if (!await worker.WaitAsync(linger, stoppingToken))
                    {
                        break;
                    }

                    next = new RoundRequest(subscriptionId, [], null, Fetch: true);
                    continue;
                }

                var (outcomes, blockedUntil) = await SendRoundAsync(round.Subscription, round.Queue, stoppingToken);
                var carryOn = blockedUntil is null && !stoppingToken.IsCancellationRequested;
                next = new RoundRequest(subscriptionId, outcomes, blockedUntil, Fetch: carryOn);
                if (!carryOn)
                {
                    await rounds.SubmitAsync(next);
                    next = null;
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
            if (leased && next is { Outcomes.Count: > 0 })
            {
                // A round sent but not recorded (its batch failed): once more, or its deliveries go out again.
                try
                {
                    await rounds.SubmitAsync(next with { Fetch = false });
                }
                catch (Exception exception)
                {
                    logger.LogWarning(exception, "Could not record a webhook round of {SubscriptionId}; its deliveries will be sent again", subscriptionId);
                }
            }

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

    /// <summary>
    /// Sends the queue head in order until one fails; returns the outcomes and, when one failed, until when
    /// the endpoint waits (null: all went out).
    /// </summary>
    private async Task<(IReadOnlyList<AttemptOutcome> Outcomes, long? BlockedUntil)> SendRoundAsync(
        WebhookSubscription subscription, IReadOnlyList<QueuedDelivery> queue, CancellationToken stoppingToken)
    {
        var outcomes = new List<AttemptOutcome>(queue.Count);
        var round = Stopwatch.StartNew();
        long? blockedUntil = null;
        foreach (var delivery in queue)
        {
            // Stopping: nothing new is sent, and what was sent is recorded, so the instance that takes the
            // endpoint next does not send it again. A request in flight is not cancelled for the same reason (it
            // has its own timeout): cancelled, the endpoint might have it while this instance cannot tell.
            if (stoppingToken.IsCancellationRequested)
            {
                break;
            }

            var attempt = delivery.Attempts + 1;
            var startedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var result = await sender.SendAsync(subscription, delivery, attempt, CancellationToken.None);
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
                    delivery.Id, subscription.Id, attempt, result.Error, DateTimeOffset.FromUnixTimeMilliseconds(blockedUntil.Value));
                outcomes.Add(new(delivery.Id, attempt, startedAt, duration, result.StatusCode, result.Error, DeliveryStatus.Pending, blockedUntil.Value, null));
                break;
            }

            // Record before the lease could lapse, so no other instance starts on the same queue.
            if (round.ElapsedMilliseconds > _webhooks.LeaseMs / 2)
            {
                break;
            }
        }

        return (outcomes, blockedUntil);
    }

    /// <summary>A running endpoint worker: woken when its endpoint gets deliveries while it waits for more.</summary>
    private sealed class EndpointWorker
    {
        private readonly WakeSignal _wake = new();

        public Task Completion { get; set; } = Task.CompletedTask;

        public void Wake() => _wake.Notify();

        public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);
    }
}
