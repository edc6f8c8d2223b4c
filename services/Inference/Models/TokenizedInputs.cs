namespace Platform.Inference.Models;

/// <summary>Inputs ready for a model: ids with [CLS]/[SEP], the tokens billed, and which inputs were cut.</summary>
public sealed record TokenizedInputs(IReadOnlyList<int[]> Sequences, int PromptTokens, IReadOnlyList<int> TruncatedIndexes);
