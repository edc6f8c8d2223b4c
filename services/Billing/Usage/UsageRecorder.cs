using Platform.Billing.Ledger;
using Platform.Billing.Prices;

namespace Platform.Billing.Usage;

/// <summary>Prices usage with the current price table and hands it to the ledger (HTTP and bus share this).</summary>
public sealed class UsageRecorder(PriceStore prices, LedgerBatcher batcher)
{
    public const long MaxQuantity = 1_000_000_000_000;

    /// <summary>Field errors for usage, empty when valid (checked before anything is priced).</summary>
    public static Dictionary<string, string> Validate(string? transferId, UsageQuantities usage)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!LedgerLimits.IsValidTransferId(transferId))
        {
            errors["transferId"] = LedgerLimits.TransferIdRule;
        }

        if (!IsName(usage.Kind, 64))
        {
            errors["kind"] = "must be 1-64 characters of a-z, 0-9, '.', '_' or '-'";
        }

        if (usage.Model is not null && !LedgerLimits.IsValidTransferId(usage.Model))
        {
            errors["model"] = "must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'";
        }

        if (usage.RunId is not null && !LedgerLimits.IsValidTransferId(usage.RunId))
        {
            errors["runId"] = LedgerLimits.TransferIdRule;
        }

        if (usage.ReservationId is not null && !LedgerLimits.IsValidTransferId(usage.ReservationId))
        {
            errors["reservationId"] = LedgerLimits.TransferIdRule;
        }

        Quantity(errors, "inputTokens", usage.InputTokens);
        Quantity(errors, "outputTokens", usage.OutputTokens);
        Quantity(errors, "embeddingTokens", usage.EmbeddingTokens);
        Quantity(errors, "renderMilliseconds", usage.RenderMilliseconds);
        Quantity(errors, "toolCalls", usage.ToolCalls);
        if (usage.InputTokens + usage.OutputTokens + usage.EmbeddingTokens + usage.RenderMilliseconds + usage.ToolCalls == 0
            && errors.Count == 0)
        {
            errors["usage"] = "at least one quantity must be above zero";
        }

        if (usage.InputTokens + usage.OutputTokens + usage.EmbeddingTokens > 0 && usage.Model is null)
        {
            errors["model"] = "is required when tokens are metered";
        }

        return errors;
    }

    /// <summary>Prices and records the usage; <see cref="UsageOutcome.Price"/> is set when it has no price.</summary>
    public async Task<UsageOutcome> RecordAsync(Guid accountId, string transferId, UsageQuantities usage, CancellationToken cancellationToken)
    {
        var price = PriceCalculator.Charge(usage, await prices.GetAsync(cancellationToken));
        if (price.Charge is not { } charge)
        {
            return new UsageOutcome(null, price.Error);
        }

        var result = await batcher.SubmitAsync(new RecordUsageCommand(accountId, transferId, usage, charge), cancellationToken);
        if (result is { Succeeded: true, Replayed: false })
        {
            BillingTelemetry.UsageCharged.Add(charge, new KeyValuePair<string, object?>("kind", usage.Kind));
        }

        return new UsageOutcome(result, null);
    }

    private static void Quantity(Dictionary<string, string> errors, string field, long value)
    {
        if (value is < 0 or > MaxQuantity)
        {
            errors[field] = $"must be a whole number from 0 to {MaxQuantity}";
        }
    }

    private static bool IsName(string? value, int max) =>
        !string.IsNullOrEmpty(value) && value.Length <= max && value.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '_' or '-');
}

/// <summary>The ledger's answer, or (with no result) why the usage could not be priced.</summary>
public sealed record UsageOutcome(LedgerResult? Result, string? PriceError);
