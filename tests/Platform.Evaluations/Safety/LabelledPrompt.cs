namespace Platform.Evaluations.Safety;

/// <summary>One item of Data/safety.jsonl.</summary>
public sealed record LabelledPrompt(string Id, string Category, string Text, PromptLabels Labels, string? Note);

/// <summary>What the item is: an injection, a jailbreak, and which personal-data or secret types it holds.</summary>
public sealed record PromptLabels(bool Injection, bool Jailbreak, IReadOnlyList<string> Pii);
