using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.Benchmarks.Framework;
using Platform.SafetyGuard.Classifiers;
using Platform.SafetyGuard.Decisions;
using Platform.SafetyGuard.Detectors;

namespace Platform.Benchmarks.Scenarios.Safety;

/// <summary>
/// SafetyGuard's prompt check on a 2 KB prompt with every detector on (normalisation with homoglyph
/// folding, base64/hex decoding, all pattern detectors, the three trained classifiers, the default
/// policy, redaction), against a bare regex pass over the same text (one compiled regex of e-mail,
/// card-number and AWS-key patterns) in the same run. One thread, one check at a time, after a
/// warm-up. The audit write and HTTP are not included: this is the guard's own cost, the figure the
/// issue sets (p99 under 2 ms). Headline: the guard's p99 in ms; ratio: the guard's mean latency
/// over the bare regex pass's (how many bare passes one full check costs).
/// </summary>
public sealed partial class SafetyScenario : IScenario
{
    public string Name => "safety";

    public string Description => "SafetyGuard prompt checks/s and p99 on a 2 KB prompt, all detectors on, vs a bare regex pass";

    public async Task<BenchmarkResult> RunAsync(ScenarioContext context)
    {
        var ct = context.CancellationToken;
        var (warmUp, count) = context.Quick ? (500, 2_000) : (5_000, 50_000);
        var prompt = BuildPrompt();
        context.Progress.WriteLine($"prompt: {Encoding.UTF8.GetByteCount(prompt):N0} bytes UTF-8; loading the llm_guardrail models");
        var guard = new PromptGuard(DetectorSet.Default, PromptClassifiers.Load());
        var policy = PromptPolicy.Default;
        var verdict = guard.Check(prompt, policy);
        context.Progress.WriteLine($"decision on the prompt: {verdict.Outcome} by [{string.Join(", ", verdict.RuleIds)}], {verdict.Detection.Findings.Count} findings");

        var bare = BareRegex();
        var bareMatches = bare.Count(prompt);

        context.Progress.WriteLine($"bare regex pass: {warmUp:N0} warm-up + {count:N0} measured");
        var baseline = await LoadRunner.SequentialAsync(_ =>
        {
            if (bare.Count(prompt) != bareMatches)
            {
                throw new InvalidOperationException("the bare regex pass is not deterministic");
            }

            return Task.CompletedTask;
        }, warmUp, count, ct);

        context.Progress.WriteLine($"full guard check: {warmUp:N0} warm-up + {count:N0} measured");
        var platform = await LoadRunner.SequentialAsync(_ =>
        {
            if (guard.Check(prompt, policy).Outcome != verdict.Outcome)
            {
                throw new InvalidOperationException("the guard's decision changed between identical checks");
            }

            return Task.CompletedTask;
        }, warmUp, count, ct);

        var results = Phase(platform, "PromptGuard.Check: normalise + decode blobs + 16 pattern detectors + 3 classifiers + default policy + redaction");
        results["decision"] = verdict.Outcome.ToName();
        results["findings"] = verdict.Detection.Findings.Count;
        var baselineJson = Phase(baseline, "one compiled Regex (e-mail | card digits | AWS key id), Count over the same text");
        baselineJson["decision"] = "n/a";
        baselineJson["findings"] = bareMatches;

        return new BenchmarkResult(
            Name,
            new Headline("guard p99 latency, 2 KB prompt, all detectors", Math.Round(platform.P99Ms, 4), "ms"),
            Math.Round(platform.MeanMs / baseline.MeanMs, 2),
            results,
            baselineJson,
            MachineInfo.Current());

        JsonObject Phase(LatencyStats stats, string what)
        {
            var json = stats.ToJson();
            json["what"] = what;
            json["prompt_bytes"] = Encoding.UTF8.GetByteCount(prompt);
            return json;
        }
    }

    /// <summary>
    /// About 2 KB of ordinary support-ticket prose with an e-mail address, a phone number and a few
    /// accented words (so normalisation takes its full path rather than the pure-ASCII shortcut).
    /// </summary>
    private static string BuildPrompt()
    {
        const string paragraph =
            "Hello team, I am writing about the invoice we received last week for the café chain's loyalty " +
            "programme. The totals on page two do not match the purchase order, and our finance lead would like " +
            "a corrected copy before the quarterly review. Could you also summarise the main changes between the " +
            "old and the new pricing tiers in three short bullet points, and explain how the résumé-screening add-on " +
            "is billed when it is used by more than one department? ";
        var text = new StringBuilder();
        text.Append("Contact me at maria.lopez@example.com or +44 20 7946 0958. ");
        while (Encoding.UTF8.GetByteCount(text.ToString()) < 2048 - paragraph.Length)
        {
            text.Append(paragraph);
        }

        while (Encoding.UTF8.GetByteCount(text.ToString()) < 2048)
        {
            text.Append("Thanks. ");
        }

        return text.ToString();
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|\b(?:\d[ -]?){13,19}\b|AKIA[0-9A-Z]{16}", RegexOptions.CultureInvariant)]
    private static partial Regex BareRegex();
}
