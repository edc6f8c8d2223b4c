namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// Something a detector found, located in the text the caller sent (UTF-16 offsets), whatever
/// normalisation the detector ran on.
/// </summary>
public sealed record Finding(string Type, FindingCategory Category, int Start, int Length);
