namespace Platform.SafetyGuard.Classifiers;

/// <summary>A trained classifier's probability (0..1) that a text is a threat of its kind.</summary>
public sealed record ClassifierScore(string Name, double Score);
