using System.Globalization;

namespace Platform.Billing.Usage;

/// <summary>What was used, before pricing. All quantities are whole and not negative.</summary>
public sealed record UsageQuantities(
    string Kind,
    string? Model,
    string? RunId,
    long InputTokens,
    long OutputTokens,
    long EmbeddingTokens,
    long RenderMilliseconds,
    long ToolCalls,
    string? ReservationId)
{
    public string Canonical() => string.Join('|',
        Kind,
        Model ?? "",
        RunId ?? "",
        Text(InputTokens),
        Text(OutputTokens),
        Text(EmbeddingTokens),
        Text(RenderMilliseconds),
        Text(ToolCalls),
        ReservationId ?? "");

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
