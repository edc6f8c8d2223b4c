using System.Text.RegularExpressions;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// Cheap, explainable prompt-injection rules that run beside the llm_guardrail classifier: each is one
/// regular expression with a stable rule id, applied to normalised text (NFKC, homoglyphs folded,
/// invisible characters removed) so obfuscation does not hide the phrase. A phrase inside quotes is
/// not a hit, because quoting an attack ("translate 'ignore all previous instructions'") is how
/// people talk about attacks. Tuned on the tuning half of the safety evaluation set only.
/// </summary>
public static partial class InjectionRules
{
    public const string InstructionOverride = "injection.instruction_override";
    public const string IgnoreAbove = "injection.ignore_above";
    public const string RoleImpersonation = "injection.role_impersonation";
    public const string DelimiterInjection = "injection.delimiter";
    public const string Exfiltration = "injection.exfiltration";

    public static IReadOnlyList<string> Ids { get; } = [InstructionOverride, IgnoreAbove, RoleImpersonation, DelimiterInjection, Exfiltration];

    /// <summary>
    /// The ids of the rules that match the text or any base64/hex blob decoded from it, in
    /// <see cref="Ids"/> order; empty when none does.
    /// </summary>
    public static IReadOnlyList<string> MatchWithDecoded(string normalizedText)
    {
        var hits = Match(normalizedText);
        foreach (var (_, decoded) in EncodedContent.Decode(normalizedText))
        {
            var inner = Match(decoded);
            if (inner.Count > 0)
            {
                hits = Ids.Where(id => hits.Contains(id) || inner.Contains(id)).ToList();
            }
        }

        return hits;
    }

    /// <summary>The ids of the rules that match, in <see cref="Ids"/> order; empty when none does.</summary>
    public static IReadOnlyList<string> Match(string normalizedText)
    {
        List<string>? hits = null;
        void Hit(string id) => (hits ??= []).Add(id);
        if (OverridePattern().IsMatch(normalizedText)) Hit(InstructionOverride);
        if (IgnoreAbovePattern().IsMatch(normalizedText)) Hit(IgnoreAbove);
        if (RolePattern().IsMatch(normalizedText)) Hit(RoleImpersonation);
        if (DelimiterPattern().IsMatch(normalizedText)) Hit(DelimiterInjection);
        if (ExfiltrationPattern().IsMatch(normalizedText)) Hit(Exfiltration);
        return hits ?? (IReadOnlyList<string>)[];
    }

    // "ignore/disregard/forget/override/bypass ... previous/your/all ... instructions/rules/prompt".
    [GeneratedRegex(
        @"(?<!['""\u2018\u201C]\s?)\b(?:ignore|disregard|forget|override|bypass)\b[^.\n'""]{0,40}?\b(?:previous|prior|above|earlier|all|your|every|safety|the)\b[^.\n'""]{0,30}?\b(?:instructions?|rules?|prompts?|guidelines|directions|context|restrictions)\b|\b(?:ignore|bypass|disregard)\s+(?:all\s+)?(?:restrictions|guardrails|safety\s+filters)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OverridePattern();

    // "ignore the above", "disregard everything (you were told)", "forget everything before this".
    [GeneratedRegex(
        @"(?<!['""\u2018\u201C]\s?)\b(?:ignore|disregard|forget)\s+(?:the\s+above|everything\s+(?:above|before|you\s+were\s+told|earlier)|all\s+of\s+the\s+above|prior\s+context)\b|(?<!['""\u2018\u201C]\s?)\b(?:ignore|disregard)\b[^.\n'""]{0,40}?\band\s+instead\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IgnoreAbovePattern();

    // A line that claims to come from the system or a new instruction set.
    [GeneratedRegex(
        @"(?:^|\n)\s*(?:system|developer)\s*:|#{2,}\s*system\b|\bnew\s+system\s+prompt\b|\bnew\s+instructions\s*:|\bsystem\s+override\b|^\s*override\s*:",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RolePattern();

    // Chat-template or tag delimiters smuggled into user text.
    [GeneratedRegex(
        @"<\|?(?:im_start|im_end|system|endoftext)\|?>|</?(?:system|instructions?)>|\[/?(?:INST|SYSTEM)\]|\bend\s+of\s+(?:user\s+)?input\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DelimiterPattern();

    // Asks to reveal the model's own prompt, hidden instructions or secrets ("your/the ...": asking how to
    // write a system prompt is not an exfiltration).
    [GeneratedRegex(
        @"\b(?:reveal|print|output|show|repeat|leak|tell\s+me|give\s+me)\b[^.\n]{0,30}?\b(?:(?:your|the)\s+(?:\w+\s+)?(?:(?:system|initial|hidden|original)\s+(?:prompt|instructions|configuration|password)|secret\s+(?:key|instructions))|your\s+(?:instructions|secrets|prompt))\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExfiltrationPattern();
}
