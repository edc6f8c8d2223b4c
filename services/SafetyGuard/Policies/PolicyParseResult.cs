namespace Platform.SafetyGuard.Policies;

/// <summary>Either a complete policy (no errors) or every error found (no policy).</summary>
public sealed record PolicyParseResult(GuardPolicy? Policy, IReadOnlyList<PolicyError> Errors);
