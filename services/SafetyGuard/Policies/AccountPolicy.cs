namespace Platform.SafetyGuard.Policies;

/// <summary>The policy in force for an account: its own (<see cref="IsDefault"/> false) or the shipped default.</summary>
public sealed record AccountPolicy(GuardPolicy Policy, string Yaml, bool IsDefault, DateTimeOffset? UpdatedAt);
