using System.Buffers;
using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// Cheap, explainable prompt-injection rules that run beside the llm_guardrail classifier: each is one
/// regular expression with a stable rule id, applied to normalised text (NFKC, homoglyphs folded,
/// invisible characters removed) so obfuscation does not hide the phrase. A phrase inside quotes is
/// not a hit, because quoting an attack ("translate 'ignore all previous instructions'") is how
/// people talk about attacks. A policy uses them by listing the detector <see cref="DetectorName"/>;
/// a rule that fires reports the ids of the injection rules that matched after its own id.
/// The first five were written from the tuning half of the safety evaluation set only; the last
/// four from published attack taxonomies (indirect injection addressed to the model, cancelled
/// earlier instructions, data sent to a URL, the "PWNED" canary), checked against the tuning half
/// for false alarms and never against the held-out half.
/// </summary>
public static partial class InjectionRules
{
    /// <summary>The name a policy lists among a rule's detectors to use these rules.</summary>
    public const string DetectorName = "injection_rules";

    public const string InstructionOverride = "injection.instruction_override";
    public const string IgnoreAbove = "injection.ignore_above";
    public const string RoleImpersonation = "injection.role_impersonation";
    public const string DelimiterInjection = "injection.delimiter";
    public const string Exfiltration = "injection.exfiltration";
    public const string InstructionsCancelled = "injection.instructions_cancelled";
    public const string AddressedToModel = "injection.addressed_to_model";
    public const string DataToUrl = "injection.data_to_url";
    public const string CanaryOutput = "injection.canary_output";

    public static IReadOnlyList<string> Ids { get; } =
        [InstructionOverride, IgnoreAbove, RoleImpersonation, DelimiterInjection, Exfiltration, InstructionsCancelled, AddressedToModel, DataToUrl, CanaryOutput];

    /// <summary>
    /// The ids of the rules that match the normalised text or any of the (normalised) texts decoded from
    /// its base64/hex blobs, in <see cref="Ids"/> order; empty when none does.
    /// </summary>
    public static IReadOnlyList<string> Match(string normalizedText, IReadOnlyList<string> normalizedDecoded)
    {
        var mask = MaskOf(normalizedText);
        foreach (var decoded in normalizedDecoded)
        {
            mask |= MaskOf(decoded);
        }

        return ToIds(mask);
    }

    /// <summary>As <see cref="Match(string, IReadOnlyList{string})"/>, decoding and normalising the blobs itself.</summary>
    public static IReadOnlyList<string> MatchWithDecoded(string normalizedText) =>
        Match(normalizedText, [.. EncodedContent.Decode(normalizedText).Select(d => TextNormalizer.Normalize(d.Decoded).Text)]);

    /// <summary>The ids of the rules that match, in <see cref="Ids"/> order; empty when none does.</summary>
    public static IReadOnlyList<string> Match(string normalizedText) => ToIds(MaskOf(normalizedText));

    private static int MaskOf(string text)
    {
        // Every rule needs at least a few letters; short texts skip nine scans.
        if (text.Length < 6)
        {
            return 0;
        }

        var span = text.AsSpan();
        var mask = 0;
        for (var i = 0; i < Rules.Length; i++)
        {
            // The anchor scan is vectorised and most text holds no anchor of most rules, so the regular
            // expression (the explanation of the rule) only runs where it can match.
            if (span.ContainsAny(Rules[i].Anchors) && Rules[i].Pattern.IsMatch(span))
            {
                mask |= 1 << i;
            }
        }

        return mask;
    }

    /// <summary>
    /// A rule's expression and its anchors: words of which every match of the expression contains at
    /// least one (case-insensitively), so text without any anchor cannot match. The tests check each
    /// rule's examples against its anchors.
    /// </summary>
    private sealed record Rule(Regex Pattern, SearchValues<string> Anchors);

    private static SearchValues<string> Anchors(params string[] words) => SearchValues.Create(words, StringComparison.OrdinalIgnoreCase);

    // In Ids order.
    private static readonly Rule[] Rules =
    [
        new(OverridePattern(), Anchors("ignore", "disregard", "forget", "override", "bypass", "discard", "follow", "attention")),
        new(IgnoreAbovePattern(), Anchors("ignore", "disregard", "forget")),
        new(RolePattern(), Anchors("system", "developer", "instructions", "override")),
        new(DelimiterPattern(), Anchors("im_start", "im_end", "system", "endoftext", "instruction", "inst]", "input")),
        new(ExfiltrationPattern(), Anchors("prompt", "instructions", "configuration", "password", "secret")),
        new(CancelledPattern(), Anchors("instructions", "rules", "prompt", "directions", "guidelines", "task", "instruction", "goal", "objective", "purpose", "job", "follows")),
        new(AddressedPattern(), Anchors("reading", "processing", "summarising", "summarizing", "seeing", "parsing", "note", "message", "instruction", "<!--")),
        new(DataToUrlPattern(), Anchors("http", "url", "endpoint", "webhook", "server", "![")),
        new(CanaryPattern(), Anchors("pwned")),
    ];

    /// <summary>Whether <paramref name="text"/> holds an anchor of rule <paramref name="id"/> (for tests of the anchors).</summary>
    public static bool HasAnchor(string id, string text) => text.AsSpan().ContainsAny(Rules[IndexOf(id)].Anchors);

    /// <summary>Whether rule <paramref name="id"/>'s expression matches, anchors or not (for tests of the anchors).</summary>
    public static bool PatternMatches(string id, string text) => Rules[IndexOf(id)].Pattern.IsMatch(text);

    private static int IndexOf(string id)
    {
        for (var i = 0; i < Ids.Count; i++)
        {
            if (Ids[i] == id)
            {
                return i;
            }
        }

        throw new ArgumentException($"unknown injection rule '{id}'", nameof(id));
    }

    private static IReadOnlyList<string> ToIds(int mask)
    {
        if (mask == 0)
        {
            return [];
        }

        var ids = new List<string>(2);
        for (var i = 0; i < Ids.Count; i++)
        {
            if ((mask & (1 << i)) != 0)
            {
                ids.Add(Ids[i]);
            }
        }

        return ids;
    }

    // "ignore/disregard/forget/override/bypass ... previous/your/all ... instructions/rules/prompt".
    [GeneratedRegex(
        @"(?<!['""\u2018\u201C]\s?)\b(?:ignore|disregard|forget|override|bypass|discard|do\s+not\s+follow|don't\s+follow|stop\s+following|pay\s+no\s+attention\s+to)\b[^.\n'""]{0,40}?\b(?:previous|prior|above|earlier|all|your|every|safety|the)\b[^.\n'""]{0,30}?\b(?:instructions?|rules?|prompts?|guidelines|directions|context|restrictions)\b|\b(?:ignore|bypass|disregard)\s+(?:all\s+)?(?:restrictions|guardrails|safety\s+filters)\b",
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

    // Declares the earlier instructions void ("the previous instructions were only a test", "your new task
    // is"): the second half of most injections, whatever verb the first half used.
    [GeneratedRegex(
        @"(?<!['""\u2018\u201C]\s?)\b(?:previous|prior|earlier|above|preceding|original|old)\s+(?:instructions|rules|prompt|directions|guidelines)\s+(?:were|was|are|is)\s+(?:just\s+|only\s+)?(?:a\s+test|fake|wrong|void|cancel+ed|revoked|obsolete|outdated|no\s+longer\s+(?:valid|apply|in\s+effect))\b|\byour\s+(?:new|real|actual|only)\s+(?:task|instructions?|goal|objective|purpose|job)\s+(?:is|are|now)\b|\bact\s+only\s+on\s+what\s+follows\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CancelledPattern();

    // Indirect injection: text inside a document, page or e-mail that speaks to the model reading it.
    [GeneratedRegex(
        @"\b(?:if|when|while)\s+you\s+are\s+an?\s+(?:AI|LLM|language\s+model|assistant|chatbot|AI\s+assistant)\b[^.\n]{0,20}?\b(?:reading|processing|summari[sz]ing|seeing|parsing)\b|\b(?:note|message|instructions?)\s+(?:to|for)\s+(?:the\s+|any\s+)?(?:AI|LLM|assistant|language\s+model|chatbot|AI\s+assistant)s?\s*[:,]|\b(?:AI|LLM|assistant|model)s?\s+(?:reading|processing|summari[sz]ing)\s+this\b|<!--[^>]{0,200}?\b(?:AI|assistant|LLM|ignore|instructions)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AddressedPattern();

    // Sends conversation data or secrets to a URL, or hides them in a Markdown image's query string.
    [GeneratedRegex(
        @"\b(?:send|forward|post|upload|transmit|exfiltrate|submit)\b[^.\n]{0,60}?\b(?:conversation|chat\s+history|history|context|emails?|messages|credentials|passwords?|api\s+keys?|tokens?|secrets?|system\s+prompt|user\s+data)\b[^.\n]{0,40}?\bto\s+(?:https?://|this\s+(?:url|endpoint|webhook|server))|!\[[^\]\n]{0,100}\]\(https?://[^)\s]{1,200}\?[^)\s]{0,200}(?:\{|\$|%7B|data=|q=\[)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DataToUrlPattern();

    // The canary of public prompt-injection competitions: make the model say it was "PWNED".
    [GeneratedRegex(
        @"\b(?:say|print|output|write|respond\s+(?:only\s+)?with|reply\s+(?:only\s+)?with)\b[^.\n]{0,40}?\bPWNED\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CanaryPattern();
}
