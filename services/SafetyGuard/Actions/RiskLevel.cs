namespace Platform.SafetyGuard.Actions;

/// <summary>How much harm a tool can do; a policy maps each level to an outcome.</summary>
public enum RiskLevel
{
    Low,
    Medium,
    High,
    Critical,
}
