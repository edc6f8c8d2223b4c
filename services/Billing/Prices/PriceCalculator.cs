using Platform.Billing.Ledger;
using Platform.Billing.Usage;

namespace Platform.Billing.Prices;

/// <summary>
/// Turns usage into an exact charge with integer arithmetic only. Rounding rule: every component is
/// summed exactly as a fraction of 1,000,000 (tokens x price per million, render milliseconds x price
/// per second x 1000, calls x price per call x 1,000,000), and the total is rounded UP to the next
/// whole micro-credit once. So 1 input token at 1 micro-credit per million costs 1 micro-credit, and
/// splitting usage into many records never costs less than the exact price.
/// </summary>
public static class PriceCalculator
{
    private const long Scale = 1_000_000;

    public static PriceResult Charge(UsageQuantities usage, PriceTable prices)
    {
        var tokens = usage.InputTokens + usage.OutputTokens + usage.EmbeddingTokens;
        ModelPrice? model = null;
        if (tokens > 0)
        {
            if (usage.Model is null || !prices.Models.TryGetValue(usage.Model, out model))
            {
                return new PriceResult(null, $"No price for model '{usage.Model}'.");
            }
        }

        Int128 scaled = 0;
        if (model is not null)
        {
            scaled += (Int128)usage.InputTokens * model.InputPerMillionTokens;
            scaled += (Int128)usage.OutputTokens * model.OutputPerMillionTokens;
            scaled += (Int128)usage.EmbeddingTokens * model.EmbeddingPerMillionTokens;
        }

        scaled += (Int128)usage.RenderMilliseconds * prices.CadRenderPerSecond * 1000;
        scaled += (Int128)usage.ToolCalls * prices.ToolCall * Scale;

        var charge = (scaled + Scale - 1) / Scale;
        return charge > LedgerLimits.MaxAmount
            ? new PriceResult(null, $"The charge would exceed {LedgerLimits.MaxAmount} micro-credits.")
            : new PriceResult((long)charge, null);
    }
}

/// <summary>The charge in micro-credits, or why there is none.</summary>
public sealed record PriceResult(long? Charge, string? Error);
