namespace Platform.Contracts.Inference;

/// <summary>
/// Classifies <paramref name="Texts"/> (1 to 2048) with classifier model <paramref name="Model"/>.
/// Answered with <see cref="Classified"/> or <see cref="InferenceRejected"/>; usage is metered by the requester.
/// </summary>
public sealed record Classify(IReadOnlyList<string> Texts, string Model);

/// <summary>Per text, in order: every label with its probability (softmax over the model's outputs), best first.</summary>
public sealed record Classified(string Model, IReadOnlyList<IReadOnlyList<LabelScore>> Results, int PromptTokens, int TruncatedInputs);

public sealed record LabelScore(string Label, float Score);
