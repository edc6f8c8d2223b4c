namespace Platform.Billing.Prices;

/// <summary>
/// Default prices from configuration, all in integer micro-credits (1 credit = 1,000,000):
/// <c>Billing:Prices:Models:{model}:InputPerMillionTokens</c> (and Output..., Embedding...),
/// <c>Billing:Prices:CadRenderPerSecond</c>, <c>Billing:Prices:ToolCall</c>.
/// </summary>
public sealed class PriceOptions
{
    /// <summary>
    /// Prices per model. The two models shipped with the platform (the offline embedder and
    /// classifier) are listed at price 0, like CAD render time, so a fresh install ingests and embeds
    /// without setting prices first; a model listed nowhere (here or by PUT /v1/prices) is refused as
    /// "unknown-price", so a typo in a model name is never silently free.
    /// </summary>
    public Dictionary<string, ModelPriceOptions> Models { get; set; } = new(StringComparer.Ordinal)
    {
        ["platform-embed-256"] = new(),
        ["platform-debian-section"] = new(),
    };

    public long CadRenderPerSecond { get; set; }

    public long ToolCall { get; set; }
}

public sealed class ModelPriceOptions
{
    public long InputPerMillionTokens { get; set; }

    public long OutputPerMillionTokens { get; set; }

    public long EmbeddingPerMillionTokens { get; set; }
}
