namespace Platform.Billing.Prices;

/// <summary>
/// Default prices from configuration, all in integer micro-credits (1 credit = 1,000,000):
/// <c>Billing:Prices:Models:{model}:InputPerMillionTokens</c> (and Output..., Embedding...),
/// <c>Billing:Prices:CadRenderPerSecond</c>, <c>Billing:Prices:ToolCall</c>.
/// </summary>
public sealed class PriceOptions
{
    public Dictionary<string, ModelPriceOptions> Models { get; set; } = new(StringComparer.Ordinal);

    public long CadRenderPerSecond { get; set; }

    public long ToolCall { get; set; }
}

public sealed class ModelPriceOptions
{
    public long InputPerMillionTokens { get; set; }

    public long OutputPerMillionTokens { get; set; }

    public long EmbeddingPerMillionTokens { get; set; }
}
