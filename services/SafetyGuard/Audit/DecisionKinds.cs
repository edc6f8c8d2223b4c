namespace Platform.SafetyGuard.Audit;

/// <summary>What was checked; stored with every decision.</summary>
public static class DecisionKinds
{
    public const string Prompt = "prompt";
    public const string Action = "action";
}
