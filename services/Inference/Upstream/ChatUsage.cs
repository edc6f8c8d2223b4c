namespace Platform.Inference.Upstream;

/// <summary>Tokens of one answered call: from the upstream's <c>usage</c>, or counted with GPT-2 BPE (<see cref="ChatTokenCounter"/>).</summary>
public sealed record ChatUsage(long PromptTokens, long CompletionTokens, bool Counted)
{
    public string Source => Counted ? "counted" : "upstream";
}
