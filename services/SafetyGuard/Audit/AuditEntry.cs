using System.Diagnostics;

namespace Platform.SafetyGuard.Audit;

/// <summary>A decision record waiting for the audit writer, with the span of the check that made it (for the event's trace).</summary>
public sealed record AuditEntry(Guid AccountId, DecisionRecord Record, Activity? Parent);
