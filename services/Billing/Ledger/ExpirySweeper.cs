using Microsoft.Extensions.Options;
using Platform.Billing.Storage;

namespace Platform.Billing.Ledger;

/// <summary>
/// Voids reservations whose time ran out. RabbitMQ here has no delayed exchange and timeouts must
/// survive restarts, so the store's open-reservation index is the schedule: every pass expires what
/// is due, through the same batcher (and rules) as every other command. Several instances may sweep
/// at once: an expiry is idempotent (its transfer id derives from the reservation's).
/// </summary>
public sealed class ExpirySweeper(
    ILedgerStore store, LedgerBatcher batcher, IOptions<BillingOptions> options, TimeProvider clock, ILogger<ExpirySweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ledger = options.Value.Ledger;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(10, ledger.SweepIntervalMs)), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(ledger.SweepBatchSize, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The next pass finds the same reservations; nothing is lost by waiting.
                logger.LogWarning(exception, "Expiry sweep failed; retrying in {IntervalMs} ms", ledger.SweepIntervalMs);
            }
        }
    }

    /// <summary>One pass: expires up to <paramref name="limit"/> due reservations and returns how many it voided.</summary>
    public async Task<int> SweepAsync(int limit, CancellationToken cancellationToken)
    {
        var due = await store.FindDueReservationsAsync(clock.GetUtcNow().ToUnixTimeMilliseconds(), limit, cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var results = await Task.WhenAll(due.Select(key =>
            batcher.SubmitAsync(new ExpireCommand(key.AccountId, key.Id), cancellationToken)));
        var expired = results.Count(r => r is { Succeeded: true, Replayed: false });
        BillingTelemetry.ReservationsExpired.Add(expired);
        if (expired > 0)
        {
            logger.LogInformation("Expired {Count} reservations", expired);
        }

        return expired;
    }
}
