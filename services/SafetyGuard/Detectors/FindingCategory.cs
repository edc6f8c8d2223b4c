namespace Platform.SafetyGuard.Detectors;

/// <summary>What kind of harm a finding represents; policies act on categories as well as on types.</summary>
public enum FindingCategory
{
    /// <summary>Personal data: redacted before it reaches a model or a log.</summary>
    Pii,

    /// <summary>Credentials: never forwarded at all.</summary>
    Secret,
}
