using Platform.SafetyGuard.Audit;

namespace Platform.SafetyGuard;

/// <summary>Bound from the <c>SafetyGuard</c> section (environment: <c>SafetyGuard__MaxTextChars</c>).</summary>
public sealed class SafetyGuardOptions
{
    public const string SectionName = "SafetyGuard";

    /// <summary>Longest text (UTF-16 chars) a check accepts; longer ones get 413 before any work.</summary>
    public int MaxTextChars { get; set; } = 100_000;

    /// <summary>Where the llm_guardrail model JSON files are; the build output's <c>guardrails/llm_guardrail</c> when unset.</summary>
    public string? ModelDirectory { get; set; }

    /// <summary>Group commit of the audit log (<c>SafetyGuard:Audit:MaxBatchSize</c>, <c>...:QueueCapacity</c>).</summary>
    public AuditOptions Audit { get; set; } = new();
}
