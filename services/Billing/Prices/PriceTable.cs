namespace Platform.Billing.Prices;

/// <summary>One model's token prices, in micro-credits per 1,000,000 tokens.</summary>
public sealed record ModelPrice(long InputPerMillionTokens, long OutputPerMillionTokens, long EmbeddingPerMillionTokens);

/// <summary>
/// The prices in force. Units, all integer micro-credits: tokens per 1,000,000 tokens, CAD
/// rendering per second (metered in milliseconds), tool calls per call.
/// </summary>
public sealed record PriceTable(IReadOnlyDictionary<string, ModelPrice> Models, long CadRenderPerSecond, long ToolCall);
