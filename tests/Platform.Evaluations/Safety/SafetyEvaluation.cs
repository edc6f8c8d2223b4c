using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Platform.SafetyGuard.Classifiers;
using Platform.SafetyGuard.Decisions;
using Platform.SafetyGuard.Detectors;
using Platform.SafetyGuard.Text;

namespace Platform.Evaluations.Safety;

/// <summary>
/// SafetyGuard's detectors on the labelled set in Data/safety.jsonl (written for this project; see
/// Data/make_safety_set.py for its provenance): precision, recall and F1 per detector, item by item
/// (an item counts as found when the detector reports at least one finding of its type, or the
/// classifier scores at or above the threshold). Everything runs through the real guard path
/// (normalisation, blob decoding, the shipped models and the default policy's thresholds).
/// Baseline, same items, same run: keyword and bare regular expressions of the kind a first guard
/// would use. Headline: prompt-injection F1 at the default policy's threshold; ratio: that F1 over
/// the keyword baseline's.
/// </summary>
public sealed partial class SafetyEvaluation : IEvaluation
{
    private static readonly string[] PiiTypes = ["email", "phone", "payment_card", "iban", "national_id", "ipv4"];

    private static readonly string[] SecretTypes =
        ["private_key", "jwt", "aws_access_key_id", "aws_secret_access_key", "gcp_service_account_key", "azure_storage_key", "slack_token", "stripe_key", "github_token"];

    public string Name => "safety";

    public string Description => "SafetyGuard detectors: precision/recall/F1 per detector on Data/safety.jsonl, vs keyword and bare-regex baselines";

    public EvaluationResult Run(TextWriter progress)
    {
        var items = Load();
        progress.WriteLine($"{items.Count} labelled items; loading the llm_guardrail models");
        var guard = new PromptGuard(DetectorSet.Default, PromptClassifiers.Load());
        var policy = PromptPolicy.Default;
        var injectionThreshold = ThresholdOf(policy, PromptClassifiers.PromptInjection);
        var jailbreakThreshold = ThresholdOf(policy, PromptClassifiers.Jailbreak);
        var classifierRules = policy.Rules.Where(r => r.Detectors.Any(d => PromptClassifiers.Names.Contains(d))).Select(r => r.Id).ToHashSet();

        var platform = new Dictionary<string, Confusion>();
        double[] sweepThresholds = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
        var sweep = PromptClassifiers.Names.ToDictionary(n => n, _ => sweepThresholds.Select(t => new Confusion(t.ToString(CultureInfo.InvariantCulture))).ToArray());
        var baseline = new Dictionary<string, Confusion>();
        Confusion At(Dictionary<string, Confusion> table, string name) =>
            table.TryGetValue(name, out var c) ? c : table[name] = new Confusion(name);

        var injectionName = $"prompt_injection (score >= {injectionThreshold.ToString(CultureInfo.InvariantCulture)}, default policy)";
        var jailbreakName = $"jailbreak (score >= {jailbreakThreshold.ToString(CultureInfo.InvariantCulture)}, default policy)";
        foreach (var item in items)
        {
            var verdict = guard.Check(item.Text, policy);
            var injection = verdict.Detection.ScoreOf(PromptClassifiers.PromptInjection) ?? 0;
            var jailbreak = verdict.Detection.ScoreOf(PromptClassifiers.Jailbreak) ?? 0;
            var attack = item.Labels.Injection || item.Labels.Jailbreak;
            for (var t = 0; t < sweepThresholds.Length; t++)
            {
                sweep[PromptClassifiers.PromptInjection][t].Add(item.Id, item.Labels.Injection, injection >= sweepThresholds[t]);
                sweep[PromptClassifiers.Jailbreak][t].Add(item.Id, item.Labels.Jailbreak, jailbreak >= sweepThresholds[t]);
                sweep[PromptClassifiers.Malicious][t].Add(item.Id, attack, (verdict.Detection.ScoreOf(PromptClassifiers.Malicious) ?? 0) >= sweepThresholds[t]);
            }

            At(platform, injectionName).Add(item.Id, item.Labels.Injection, injection >= injectionThreshold);
            At(platform, "prompt_injection (score >= 0.5, package default)").Add(item.Id, item.Labels.Injection, injection >= 0.5);
            At(platform, jailbreakName).Add(item.Id, item.Labels.Jailbreak, jailbreak >= jailbreakThreshold);
            At(platform, "jailbreak (score >= 0.5, package default)").Add(item.Id, item.Labels.Jailbreak, jailbreak >= 0.5);
            At(platform, "attack (injection or jailbreak): a classifier rule of the default policy fires").Add(
                item.Id, attack, verdict.RuleIds.Any(classifierRules.Contains));

            var found = verdict.Detection.Findings.Select(f => f.Type).ToHashSet();
            foreach (var type in PiiTypes)
            {
                At(platform, type).Add(item.Id, item.Labels.Pii.Contains(type), found.Contains(type));
            }

            At(platform, "secrets (any type)").Add(item.Id, item.Labels.Pii.Any(SecretTypes.Contains), found.Any(SecretTypes.Contains));

            var text = item.Text;
            At(baseline, injectionName).Add(item.Id, item.Labels.Injection, InjectionKeywords().IsMatch(text));
            At(baseline, "prompt_injection (score >= 0.5, package default)").Add(item.Id, item.Labels.Injection, InjectionKeywords().IsMatch(text));
            At(baseline, jailbreakName).Add(item.Id, item.Labels.Jailbreak, JailbreakKeywords().IsMatch(text));
            At(baseline, "jailbreak (score >= 0.5, package default)").Add(item.Id, item.Labels.Jailbreak, JailbreakKeywords().IsMatch(text));
            At(baseline, "attack (injection or jailbreak): a classifier rule of the default policy fires").Add(
                item.Id, attack, InjectionKeywords().IsMatch(text) || JailbreakKeywords().IsMatch(text));
            At(baseline, "email").Add(item.Id, item.Labels.Pii.Contains("email"), BareEmail().IsMatch(text));
            At(baseline, "phone").Add(item.Id, item.Labels.Pii.Contains("phone"), BarePhone().IsMatch(text));
            At(baseline, "payment_card").Add(item.Id, item.Labels.Pii.Contains("payment_card"), BareCard().IsMatch(text));
            At(baseline, "iban").Add(item.Id, item.Labels.Pii.Contains("iban"), BareIban().IsMatch(text));
            At(baseline, "national_id").Add(item.Id, item.Labels.Pii.Contains("national_id"), BareSsn().IsMatch(text));
            At(baseline, "ipv4").Add(item.Id, item.Labels.Pii.Contains("ipv4"), BareIpv4().IsMatch(text));
            At(baseline, "secrets (any type)").Add(item.Id, item.Labels.Pii.Any(SecretTypes.Contains), BareSecret().IsMatch(text));
        }

        // "Before" is fixed at session 1's default-policy thresholds (injection 0.9, jailbreak 0.85), so the
        // comparison stays the same when the policy moves to the tuned values.
        var heldOut = HeldOut(items, guard, policy, 0.9, 0.85, sweepThresholds);
        var piiMicro = Micro(platform);
        var piiBaseline = Micro(baseline);
        var injectionF1 = platform[injectionName].F1;
        var baselineInjectionF1 = baseline[injectionName].F1;

        var results = new JsonObject { ["items"] = items.Count, ["pii_micro"] = piiMicro };
        var sweepJson = new JsonObject();
        foreach (var (classifier, confusions) in sweep)
        {
            sweepJson[classifier] = new JsonObject(confusions.Select(c => KeyValuePair.Create<string, JsonNode?>(c.Detector, Math.Round(c.F1, 4))));
        }

        results["threshold_sweep_f1"] = sweepJson;
        results["held_out"] = heldOut.Json;
        var baselineJson = new JsonObject { ["items"] = items.Count, ["pii_micro"] = piiBaseline };
        foreach (var (name, confusion) in platform)
        {
            results[name] = confusion.ToJson();
            baselineJson[name] = baseline[name].ToJson();
        }

        var json = new JsonObject
        {
            ["scenario"] = Name,
            ["headline"] = new JsonObject { ["name"] = "prompt-injection F1 at the default policy's threshold", ["value"] = Math.Round(injectionF1, 4), ["unit"] = "F1" },
            ["ratio"] = baselineInjectionF1 == 0 ? 0 : Math.Round(injectionF1 / baselineInjectionF1, 3),
            ["results"] = results,
            ["baseline"] = baselineJson,
            ["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["os"] = RuntimeInformation.OSDescription,
                ["dotnet"] = Environment.Version.ToString(),
                ["date_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            },
        };

        return new EvaluationResult(json, Markdown(items, platform, baseline, piiMicro, piiBaseline, sweep) + heldOut.Markdown);
    }

    /// <summary>
    /// Before/after on the held-out half (<see cref="HeldOutSplit"/>). Before: the classifiers at the
    /// default policy's thresholds. After: thresholds chosen by best F1 on the tuning half, and for
    /// injection the classifier OR any <see cref="InjectionRules"/> rule on the normalised text.
    /// </summary>
    private static (JsonObject Json, string Markdown) HeldOut(
        IReadOnlyList<LabelledPrompt> items, PromptGuard guard, PromptPolicy policy, double injectionThreshold, double jailbreakThreshold, double[] thresholds)
    {
        var scored = items.Select(item =>
        {
            var detection = guard.Check(item.Text, policy).Detection;
            var rules = InjectionRules.MatchWithDecoded(TextNormalizer.Normalize(item.Text).Text);
            return (Item: item, Tuning: HeldOutSplit.IsTuning(item.Id), Injection: detection.ScoreOf(PromptClassifiers.PromptInjection) ?? 0,
                Jailbreak: detection.ScoreOf(PromptClassifiers.Jailbreak) ?? 0, Rules: rules);
        }).ToList();
        var tuning = scored.Where(s => s.Tuning).ToList();
        var held = scored.Where(s => !s.Tuning).ToList();

        double Best(Func<double, Confusion> at) => thresholds.OrderByDescending(t => at(t).F1).ThenBy(t => t).First();
        Confusion Score<T>(IEnumerable<T> set, string name, Func<T, string> id, Func<T, bool> label, Func<T, bool> found)
        {
            var c = new Confusion(name);
            foreach (var s in set)
            {
                c.Add(id(s), label(s), found(s));
            }

            return c;
        }

        var tunedInjection = Best(t => Score(tuning, "", s => s.Item.Id, s => s.Item.Labels.Injection, s => s.Injection >= t || s.Rules.Count > 0));
        var tunedJailbreak = Best(t => Score(tuning, "", s => s.Item.Id, s => s.Item.Labels.Jailbreak, s => s.Jailbreak >= t));
        var f = CultureInfo.InvariantCulture;
        var rows = new List<(string Name, Confusion Before, Confusion After)>
        {
            ($"prompt_injection: before classifier >= {injectionThreshold.ToString(f)}; after classifier >= {tunedInjection.ToString(f)} OR a rule",
                Score(held, "b", s => s.Item.Id, s => s.Item.Labels.Injection, s => s.Injection >= injectionThreshold),
                Score(held, "a", s => s.Item.Id, s => s.Item.Labels.Injection, s => s.Injection >= tunedInjection || s.Rules.Count > 0)),
            ("prompt_injection: rules alone (after)",
                Score(held, "b", s => s.Item.Id, s => s.Item.Labels.Injection, _ => false),
                Score(held, "a", s => s.Item.Id, s => s.Item.Labels.Injection, s => s.Rules.Count > 0)),
            ($"jailbreak: before >= {jailbreakThreshold.ToString(f)}; after >= {tunedJailbreak.ToString(f)}",
                Score(held, "b", s => s.Item.Id, s => s.Item.Labels.Jailbreak, s => s.Jailbreak >= jailbreakThreshold),
                Score(held, "a", s => s.Item.Id, s => s.Item.Labels.Jailbreak, s => s.Jailbreak >= tunedJailbreak)),
        };
        foreach (var rule in InjectionRules.Ids)
        {
            rows.Add(($"rule {rule} alone (after)",
                Score(held, "b", s => s.Item.Id, s => s.Item.Labels.Injection, _ => false),
                Score(held, "a", s => s.Item.Id, s => s.Item.Labels.Injection, s => s.Rules.Contains(rule))));
        }

        var json = new JsonObject
        {
            ["tuning_items"] = tuning.Count, ["held_out_items"] = held.Count,
            ["tuned_injection_threshold"] = tunedInjection, ["tuned_jailbreak_threshold"] = tunedJailbreak,
        };
        var md = new StringBuilder();
        md.AppendLine();
        md.AppendLine("## Held-out half: before and after the injection rules");
        md.AppendLine();
        md.AppendLine(f, $"Split (fixed): an item is in the tuning half when the first byte of SHA-256(UTF-8 id) is even ({tuning.Count} items), else held out ({held.Count} items);");
        md.AppendLine("see `Safety/HeldOutSplit.cs`. The injection rules (`services/SafetyGuard/Detectors/InjectionRules.cs`, stable ids) were written");
        md.AppendLine("looking at tuning-half items only, and both thresholds were chosen by best F1 on the tuning half over the sweep thresholds.");
        md.AppendLine("Rules run on the normalised text. The combination is measured here; the default policy does not yet wire the rules in.");
        md.AppendLine();
        md.AppendLine("| detector (held-out) | positives | before P | before R | before F1 | after TP | after FP | after FN | after P | after R | after F1 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, before, after) in rows)
        {
            json[name] = new JsonObject { ["before"] = before.ToJson(), ["after"] = after.ToJson() };
            md.AppendLine(f, $"| {name} | {after.Positives} | {before.Precision:0.000} | {before.Recall:0.000} | {before.F1:0.000} | {after.TruePositives} | {after.FalsePositives} | {after.FalseNegatives} | {after.Precision:0.000} | {after.Recall:0.000} | **{after.F1:0.000}** |");
        }

        md.AppendLine();
        var tuningAfter = Score(tuning, "t", s => s.Item.Id, s => s.Item.Labels.Injection, s => s.Injection >= tunedInjection || s.Rules.Count > 0);
        md.AppendLine(f, $"- tuning half, injection after: F1 {tuningAfter.F1:0.000} (P {tuningAfter.Precision:0.000}, R {tuningAfter.Recall:0.000}); missed {string.Join(", ", tuningAfter.Misses)}; false alarms {string.Join(", ", tuningAfter.FalseAlarms)}");
        md.AppendLine($"- held-out mistakes after, injection: missed {string.Join(", ", rows[0].After.Misses)}; false alarms {string.Join(", ", rows[0].After.FalseAlarms)}");
        return (json, md.ToString());
    }

    private static JsonObject Micro(Dictionary<string, Confusion> table)
    {
        var (tp, fp, fn) = (0, 0, 0);
        foreach (var type in PiiTypes)
        {
            tp += table[type].TruePositives;
            fp += table[type].FalsePositives;
            fn += table[type].FalseNegatives;
        }

        var precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp);
        var recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new JsonObject
        {
            ["tp"] = tp, ["fp"] = fp, ["fn"] = fn,
            ["precision"] = Math.Round(precision, 4), ["recall"] = Math.Round(recall, 4), ["f1"] = Math.Round(f1, 4),
        };
    }

    private static string Markdown(
        IReadOnlyList<LabelledPrompt> items, Dictionary<string, Confusion> platform, Dictionary<string, Confusion> baseline,
        JsonObject piiMicro, JsonObject piiBaseline, Dictionary<string, Confusion[]> sweep)
    {
        var md = new StringBuilder();
        md.AppendLine("# Safety evaluation");
        md.AppendLine();
        md.AppendLine("Written by `dotnet run -c Release --project tests/Platform.Evaluations -- safety` (do not edit by hand).");
        md.AppendLine($"Set: `tests/Platform.Evaluations/Data/safety.jsonl`, {items.Count} items written for this project ");
        md.AppendLine($"({string.Join(", ", items.GroupBy(i => i.Category).Select(g => $"{g.Count()} {g.Key}"))}); provenance in `Data/make_safety_set.py`.");
        md.AppendLine("Item-level scores: an item counts as found when the detector reports at least one finding of its type (or the classifier");
        md.AppendLine("scores at or above the threshold). The platform side is SafetyGuard's full guard path (normalisation, base64/hex decoding,");
        md.AppendLine("the llm_guardrail models, the default policy). The baseline, same items and run, is keyword and bare regular expressions.");
        md.AppendLine("Goals (issue 4): F1 >= 0.9 for PII, >= 0.85 for injection.");
        md.AppendLine();
        md.AppendLine("| detector | positives | TP | FP | FN | precision | recall | F1 | baseline F1 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, c) in platform)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {c.Positives} | {c.TruePositives} | {c.FalsePositives} | {c.FalseNegatives} | {c.Precision:0.000} | {c.Recall:0.000} | **{c.F1:0.000}** | {baseline[name].F1:0.000} |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"| PII, micro-average of the six types | {(int)piiMicro["tp"]! + (int)piiMicro["fn"]!} | {piiMicro["tp"]} | {piiMicro["fp"]} | {piiMicro["fn"]} | {(double)piiMicro["precision"]!:0.000} | {(double)piiMicro["recall"]!:0.000} | **{(double)piiMicro["f1"]!:0.000}** | {(double)piiBaseline["f1"]!:0.000} |");
        md.AppendLine();
        md.AppendLine("## Classifier F1 by threshold");
        md.AppendLine();
        md.AppendLine("The llm_guardrail classifiers at other thresholds, on the same items (malicious is scored against the attack label,");
        md.AppendLine("injection or jailbreak, since the set has no separate malicious-content label). Choosing a threshold from this table");
        md.AppendLine("tunes on the evaluation set itself, so the figures at the chosen threshold would be optimistic.");
        md.AppendLine();
        var first = sweep.First().Value;
        md.AppendLine("| classifier | " + string.Join(" | ", first.Select(c => c.Detector)) + " |");
        md.AppendLine("|---|" + string.Concat(first.Select(_ => "---:|")));
        foreach (var (classifier, confusions) in sweep)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {classifier} | {string.Join(" | ", confusions.Select(c => c.F1.ToString("0.000", CultureInfo.InvariantCulture)))} |");
        }

        md.AppendLine();
        md.AppendLine("## Mistakes (item ids)");
        md.AppendLine();
        foreach (var (name, c) in platform)
        {
            if (c.Misses.Count + c.FalseAlarms.Count == 0)
            {
                continue;
            }

            md.AppendLine($"- **{name}**: missed {(c.Misses.Count == 0 ? "none" : string.Join(", ", c.Misses))}; false alarms {(c.FalseAlarms.Count == 0 ? "none" : string.Join(", ", c.FalseAlarms))}");
        }

        return md.ToString();
    }

    private static double ThresholdOf(PromptPolicy policy, string classifier) =>
        policy.Rules.FirstOrDefault(r => r.Detectors.Contains(classifier))?.Threshold
        ?? throw new InvalidOperationException($"The default policy has no rule for {classifier}.");

    private static List<LabelledPrompt> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", "safety.jsonl");
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        var items = new List<LabelledPrompt>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length > 0)
            {
                items.Add(JsonSerializer.Deserialize<LabelledPrompt>(line, options) ?? throw new InvalidDataException($"bad line in {path}: {line}"));
            }
        }

        return items;
    }

    [GeneratedRegex(@"(?i)\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions|rules|prompts?|guidelines|directions)\b", RegexOptions.CultureInvariant)]
    private static partial Regex InjectionKeywords();

    [GeneratedRegex(@"(?i)\b(?:DAN|developer mode|jailbreak|jailbroken|no restrictions|uncensored|without any (?:rules|restrictions))\b", RegexOptions.CultureInvariant)]
    private static partial Regex JailbreakKeywords();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex BareEmail();

    [GeneratedRegex(@"\+?\(?\d[\d ()-]{7,}\d", RegexOptions.CultureInvariant)]
    private static partial Regex BarePhone();

    [GeneratedRegex(@"\b(?:\d[ -]?){13,19}\b", RegexOptions.CultureInvariant)]
    private static partial Regex BareCard();

    [GeneratedRegex(@"\b[A-Z]{2}\d{2}[A-Z0-9 ]{11,30}\b", RegexOptions.CultureInvariant)]
    private static partial Regex BareIban();

    [GeneratedRegex(@"\b\d{3}-\d{2}-\d{4}\b", RegexOptions.CultureInvariant)]
    private static partial Regex BareSsn();

    [GeneratedRegex(@"\b\d{1,3}(?:\.\d{1,3}){3}\b", RegexOptions.CultureInvariant)]
    private static partial Regex BareIpv4();

    [GeneratedRegex(@"AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|-----BEGIN [A-Z ]*PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex BareSecret();
}
