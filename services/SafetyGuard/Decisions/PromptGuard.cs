using System.Diagnostics;
using Platform.SafetyGuard.Classifiers;
using Platform.SafetyGuard.Detectors;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Decisions;

/// <summary>
/// Checks a prompt: normalise, detect, score, decide, redact. Pure and synchronous (no I/O), so the
/// HTTP endpoint and the bus consumer share it and its latency is the guard's own.
/// </summary>
public sealed class PromptGuard(DetectorSet detectors, PromptClassifiers classifiers)
{
    public PromptVerdict Check(string text, PromptPolicy policy)
    {
        var started = Stopwatch.GetTimestamp();
        var normalized = TextNormalizer.Normalize(text);
        // Blobs are decoded and their text normalised once; detectors, classifiers and rules all read them.
        var blobs = EncodedContent.Decode(normalized.Text);
        var decoded = new (TextSpan Blob, string Decoded)[blobs.Count];
        var decodedTexts = new string[blobs.Count];
        for (var i = 0; i < blobs.Count; i++)
        {
            decodedTexts[i] = TextNormalizer.Normalize(blobs[i].Decoded).Text;
            decoded[i] = (blobs[i].Blob, decodedTexts[i]);
        }

        var detection = detectors.Detect(normalized, decoded);
        if (policy.UsesInjectionRules)
        {
            var hits = InjectionRules.Match(normalized.Text, decodedTexts);
            if (hits.Count > 0)
            {
                detection = detection with { InjectionRuleIds = hits };
            }
        }

        if (policy.UsesClassifiers)
        {
            // The classifiers read the normalised text (so homoglyphs and zero-width splits do not hide
            // words from them) and every decoded blob; each keeps its highest score.
            var scores = classifiers.Score(normalized.Text).ToArray();
            foreach (var content in decodedTexts)
            {
                var inner = classifiers.Score(content);
                for (var i = 0; i < scores.Length; i++)
                {
                    if (inner[i].Score > scores[i].Score)
                    {
                        scores[i] = inner[i];
                    }
                }
            }

            detection = detection with { Scores = scores };
        }

        var decision = policy.Decide(detection);
        var redacted = decision.Outcome == DecisionOutcome.Redact
            ? Redactor.Redact(text, decision.Redactions, PlaceholderFor)
            : null;
        return new PromptVerdict(decision.Outcome, decision.RuleIds, detection, redacted, Stopwatch.GetElapsedTime(started));
    }

    private string PlaceholderFor(string type) => detectors.Find(type)?.Placeholder ?? $"[{type.ToUpperInvariant()}]";
}
