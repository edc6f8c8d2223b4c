using System.Diagnostics;
using Platform.SafetyGuard.Detectors;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Decisions;

/// <summary>
/// Checks a prompt: normalise, detect, decide, redact. Pure and synchronous (no I/O), so the HTTP
/// endpoint and the bus consumer share it and its latency is the guard's own.
/// </summary>
public sealed class PromptGuard(DetectorSet detectors, PromptPolicy policy)
{
    public PromptVerdict Check(string text)
    {
        var started = Stopwatch.GetTimestamp();
        var normalized = TextNormalizer.Normalize(text);
        var detection = detectors.Detect(normalized);
        var decision = policy.Decide(detection);
        var redacted = decision.Outcome == DecisionOutcome.Redact
            ? Redactor.Redact(text, decision.Redactions, PlaceholderFor)
            : null;
        return new PromptVerdict(decision.Outcome, decision.RuleIds, detection, redacted, Stopwatch.GetElapsedTime(started));
    }

    private string PlaceholderFor(string type) => detectors.Find(type)?.Placeholder ?? $"[{type.ToUpperInvariant()}]";
}
