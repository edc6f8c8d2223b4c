using System.Text.Json.Serialization;

namespace Platform.SafetyGuard.Decisions;

/// <summary>What happens to a checked prompt or action, from most to least permissive.</summary>
public enum DecisionOutcome
{
    Allow = 0,
    Redact = 1,

    /// <summary>A human must approve first (agent actions and policies that ask for it).</summary>
    [JsonStringEnumMemberName("require_approval")]
    RequireApproval = 2,

    Deny = 3,
}
