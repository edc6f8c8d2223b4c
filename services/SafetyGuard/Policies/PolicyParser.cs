using System.Globalization;
using System.Text.RegularExpressions;
using Platform.SafetyGuard.Actions;
using Platform.SafetyGuard.Classifiers;
using Platform.SafetyGuard.Decisions;
using Platform.SafetyGuard.Detectors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Platform.SafetyGuard.Policies;

/// <summary>
/// Reads a policy document (YAML) into a <see cref="GuardPolicy"/>, or reports every problem with its
/// line, column and field path: syntax errors, unknown fields, wrong types, unknown detectors and
/// out-of-range values. Nothing is returned unless the whole document is valid.
/// See <c>Policies/default-policy.yaml</c> for the format.
/// </summary>
public static partial class PolicyParser
{
    public const int MaxDocumentChars = 256 * 1024;

    private static readonly IReadOnlySet<string> PatternDetectors = DetectorSet.Default.Types.ToHashSet(StringComparer.Ordinal);

    public static PolicyParseResult Parse(string yaml)
    {
        var errors = new List<PolicyError>();
        if (yaml.Length > MaxDocumentChars)
        {
            return Fail(new PolicyError(1, 1, "", $"the document is longer than {MaxDocumentChars} characters"));
        }

        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(new StringReader(yaml)));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            return Fail(new PolicyError((int)e.Start.Line, (int)e.Start.Column, "", Clean(e.Message)));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet throws these for some malformed input (a repeated key; scanner states it did not
            // expect): report them where reading stopped.
            var at = parser.LastGood;
            return Fail(new PolicyError((int)at.Line, (int)at.Column, "",
                e is ArgumentException ? $"a mapping repeats a key ({e.Message})" : "the YAML is malformed after this point"));
        }

        if (stream.Documents.Count != 1)
        {
            return Fail(new PolicyError(1, 1, "", stream.Documents.Count == 0 ? "the document is empty" : "only one YAML document is allowed"));
        }

        var reader = new Reader(errors);
        if (reader.Mapping(stream.Documents[0].RootNode, "", ["id", "prompt", "actions"]) is not { } root)
        {
            return new PolicyParseResult(null, errors);
        }

        var id = reader.RequiredString(root, "id", "id") ?? "";
        if (id.Length > 0 && !IdPattern().IsMatch(id))
        {
            reader.Error(root.Children[new YamlScalarNode("id")], "id", "must be 1-100 characters of a-z, 0-9, '.', '_' or '-'");
        }

        var prompt = ReadPrompt(reader, root);
        var actions = ReadActions(reader, root);
        return errors.Count == 0
            ? new PolicyParseResult(new GuardPolicy(id, prompt, actions), [])
            : new PolicyParseResult(null, errors);

        PolicyParseResult Fail(PolicyError error) => new(null, [error]);
    }

    private static PromptPolicy ReadPrompt(Reader reader, YamlMappingNode root)
    {
        var rules = new List<PromptRule>();
        if (reader.Optional(root, "prompt") is not { } promptNode || reader.Mapping(promptNode, "prompt", ["rules"]) is not { } prompt)
        {
            return new PromptPolicy(rules);
        }

        if (reader.Optional(prompt, "rules") is not { } rulesNode || reader.Sequence(rulesNode, "prompt.rules") is not { } list)
        {
            return new PromptPolicy(rules);
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"prompt.rules[{i}]";
            if (reader.Mapping(list.Children[i], path, ["id", "detectors", "threshold", "action"]) is not { } rule)
            {
                continue;
            }

            var ruleId = reader.RequiredString(rule, "id", $"{path}.id");
            if (ruleId is not null && (!IdPattern().IsMatch(ruleId) || !ids.Add(ruleId)))
            {
                reader.Error(reader.Optional(rule, "id")!, $"{path}.id", ids.Contains(ruleId) && IdPattern().IsMatch(ruleId)
                    ? $"'{ruleId}' is used by an earlier rule" : "must be 1-100 characters of a-z, 0-9, '.', '_' or '-'");
            }

            var detectors = reader.StringList(rule, "detectors", $"{path}.detectors", required: true) ?? [];
            var detectorsNode = reader.Optional(rule, "detectors");
            foreach (var detector in detectors)
            {
                if (!PatternDetectors.Contains(detector) && !PromptClassifiers.Names.Contains(detector) && detector != InjectionRules.DetectorName)
                {
                    reader.Error(detectorsNode!, $"{path}.detectors",
                        $"unknown detector '{detector}'; known: {string.Join(", ", PatternDetectors.Concat(PromptClassifiers.Names).Append(InjectionRules.DetectorName))}");
                }
            }

            var threshold = reader.OptionalNumber(rule, "threshold", $"{path}.threshold", 0, 1) ?? 0.5;
            var action = reader.Outcome(rule, "action", $"{path}.action");
            if (action == DecisionOutcome.Redact && detectors.Any(d => PromptClassifiers.Names.Contains(d) || d == InjectionRules.DetectorName))
            {
                reader.Error(reader.Optional(rule, "action")!, $"{path}.action",
                    "redact needs pattern detectors only: a classifier's or the injection rules' verdict covers the whole text, which cannot be redacted");
            }

            if (ruleId is not null && action is { } a)
            {
                rules.Add(new PromptRule(ruleId, a, detectors.ToHashSet(StringComparer.Ordinal), threshold));
            }
        }

        return new PromptPolicy(rules);
    }

    private static ActionPolicy ReadActions(Reader reader, YamlMappingNode root)
    {
        var riskOutcomes = new Dictionary<RiskLevel, DecisionOutcome>
        {
            [RiskLevel.Low] = DecisionOutcome.Allow,
            [RiskLevel.Medium] = DecisionOutcome.Allow,
            [RiskLevel.High] = DecisionOutcome.RequireApproval,
            [RiskLevel.Critical] = DecisionOutcome.Deny,
        };
        var tools = new Dictionary<string, ToolRule>(StringComparer.Ordinal);
        if (reader.Optional(root, "actions") is not { } actionsNode
            || reader.Mapping(actionsNode, "actions", ["maxCost", "risk", "tools"]) is not { } actions)
        {
            return new ActionPolicy(tools, null, riskOutcomes);
        }

        var maxCost = reader.OptionalInteger(actions, "maxCost", "actions.maxCost");
        if (reader.Optional(actions, "risk") is { } riskNode
            && reader.Mapping(riskNode, "actions.risk", ["low", "medium", "high", "critical"]) is { } risk)
        {
            foreach (var level in Enum.GetValues<RiskLevel>())
            {
                var name = level.ToString().ToLowerInvariant();
                if (reader.Optional(risk, name) is not null && reader.Outcome(risk, name, $"actions.risk.{name}") is { } outcome)
                {
                    if (outcome == DecisionOutcome.Redact)
                    {
                        reader.Error(reader.Optional(risk, name)!, $"actions.risk.{name}", "an action cannot be redacted: use allow, require_approval or deny");
                    }

                    riskOutcomes[level] = outcome;
                }
            }
        }

        if (reader.Optional(actions, "tools") is { } toolsNode && reader.Mapping(toolsNode, "actions.tools", null) is { } toolMap)
        {
            foreach (var (key, value) in toolMap.Children)
            {
                var name = ((YamlScalarNode)key).Value ?? "";
                var path = $"actions.tools.{name}";
                if (!ToolNamePattern().IsMatch(name))
                {
                    reader.Error(key, path, "a tool name is 1-200 characters of letters, digits, '.', '_' or '-'");
                }

                if (ReadTool(reader, name, value, path) is { } tool)
                {
                    tools[name] = tool;
                }
            }
        }

        return new ActionPolicy(tools, maxCost, riskOutcomes);
    }

    private static ToolRule? ReadTool(Reader reader, string name, YamlNode node, string path)
    {
        if (reader.Mapping(node, path, ["risk", "maxCost", "arguments"]) is not { } tool)
        {
            return null;
        }

        var risk = reader.Enum<RiskLevel>(tool, "risk", $"{path}.risk", required: true);
        var maxCost = reader.OptionalInteger(tool, "maxCost", $"{path}.maxCost");
        var arguments = new Dictionary<string, ArgumentConstraint>(StringComparer.Ordinal);
        if (reader.Optional(tool, "arguments") is { } argumentsNode && reader.Mapping(argumentsNode, $"{path}.arguments", null) is { } argumentMap)
        {
            foreach (var (key, value) in argumentMap.Children)
            {
                var argument = ((YamlScalarNode)key).Value ?? "";
                if (ReadConstraint(reader, value, $"{path}.arguments.{argument}") is { } constraint)
                {
                    arguments[argument] = constraint;
                }
            }
        }

        return risk is { } level ? new ToolRule(name, level, maxCost, arguments) : null;
    }

    private static ArgumentConstraint? ReadConstraint(Reader reader, YamlNode node, string path)
    {
        string[] allFields = ["type", "required", "maxLength", "values", "min", "max", "domains", "allowHttp", "under"];
        if (reader.Mapping(node, path, allFields) is not { } map)
        {
            return null;
        }

        var type = reader.RequiredString(map, "type", $"{path}.type");
        string[] allowed = type switch
        {
            "string" => ["type", "required", "maxLength", "values"],
            "number" => ["type", "required", "min", "max"],
            "url" => ["type", "required", "domains", "allowHttp"],
            "path" => ["type", "required", "under"],
            _ => allFields,
        };
        if (type is not null && !(type is "string" or "number" or "url" or "path"))
        {
            reader.Error(reader.Optional(map, "type")!, $"{path}.type", "must be one of string, number, url, path");
            return null;
        }

        foreach (var (key, _) in map.Children)
        {
            var field = ((YamlScalarNode)key).Value ?? "";
            if (!allowed.Contains(field))
            {
                reader.Error(key, $"{path}.{field}", $"does not apply to arguments of type {type}");
            }
        }

        var required = reader.OptionalBool(map, "required", $"{path}.required") ?? false;
        switch (type)
        {
            case "string":
                var maxLength = reader.OptionalInteger(map, "maxLength", $"{path}.maxLength");
                var values = reader.StringList(map, "values", $"{path}.values", required: false);
                return new StringConstraint(required, maxLength is null ? null : (int)Math.Min(maxLength.Value, int.MaxValue), values?.ToHashSet(StringComparer.Ordinal));
            case "number":
                var min = reader.OptionalNumber(map, "min", $"{path}.min", double.MinValue, double.MaxValue);
                var max = reader.OptionalNumber(map, "max", $"{path}.max", double.MinValue, double.MaxValue);
                if (min > max)
                {
                    reader.Error(reader.Optional(map, "max")!, $"{path}.max", "must not be less than min");
                }

                return new NumberConstraint(required, min, max);
            case "url":
                var domains = reader.StringList(map, "domains", $"{path}.domains", required: true) ?? [];
                foreach (var domain in domains)
                {
                    if (!DomainPattern().IsMatch(domain))
                    {
                        reader.Error(reader.Optional(map, "domains")!, $"{path}.domains", $"'{domain}' is not a lower-case ASCII domain (optionally starting with '*.')");
                    }
                }

                return new UrlConstraint(required, domains, reader.OptionalBool(map, "allowHttp", $"{path}.allowHttp") ?? false);
            case "path":
                var under = reader.StringList(map, "under", $"{path}.under", required: true) ?? [];
                foreach (var prefix in under)
                {
                    if (!prefix.StartsWith('/') || PathConstraint.Resolve(prefix) != prefix)
                    {
                        reader.Error(reader.Optional(map, "under")!, $"{path}.under", $"'{prefix}' must be an absolute path without '.', '..', repeated or trailing slashes");
                    }
                }

                return new PathConstraint(required, under);
            default:
                return null;
        }
    }

    // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we report the position separately.
    private static string Clean(string message) => PositionPrefix().Replace(message, "");

    [GeneratedRegex(@"^[a-z0-9._-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,200}$", RegexOptions.CultureInvariant)]
    private static partial Regex ToolNamePattern();

    [GeneratedRegex(@"^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainPattern();

    [GeneratedRegex(@"^(?:\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): )", RegexOptions.CultureInvariant)]
    private static partial Regex PositionPrefix();

    /// <summary>Remembers where the last event that parsed ended, to place errors YamlDotNet reports without a position.</summary>
    private sealed class TrackingParser(IParser inner) : IParser
    {
        public Mark LastGood { get; private set; } = Mark.Empty;

        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (inner.Current is { } current)
            {
                LastGood = current.End;
            }

            return inner.MoveNext();
        }
    }

    /// <summary>Typed access to YAML nodes that records an error (with the node's position) instead of throwing.</summary>
    private sealed class Reader(List<PolicyError> errors)
    {
        public void Error(YamlNode node, string field, string message) =>
            errors.Add(new PolicyError((int)node.Start.Line, (int)node.Start.Column, field, message));

        /// <summary>The node as a mapping whose keys are all scalars and, when <paramref name="fields"/> is given, all known.</summary>
        public YamlMappingNode? Mapping(YamlNode node, string path, string[]? fields)
        {
            if (node is not YamlMappingNode mapping)
            {
                Error(node, path, "must be a mapping");
                return null;
            }

            var ok = true;
            foreach (var (key, _) in mapping.Children)
            {
                if (key is not YamlScalarNode { Value: { } name })
                {
                    Error(key, path, "keys must be plain strings");
                    ok = false;
                }
                else if (fields is not null && !fields.Contains(name))
                {
                    Error(key, path.Length == 0 ? name : $"{path}.{name}", $"unknown field; expected one of {string.Join(", ", fields)}");
                }
            }

            return ok ? mapping : null;
        }

        public YamlSequenceNode? Sequence(YamlNode node, string path)
        {
            if (node is YamlSequenceNode sequence)
            {
                return sequence;
            }

            Error(node, path, "must be a list");
            return null;
        }

        public YamlNode? Optional(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        public string? Scalar(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: { Length: > 0 } value })
            {
                return value;
            }

            Error(node, path, "must be a non-empty string");
            return null;
        }

        public string? RequiredString(YamlMappingNode map, string key, string path)
        {
            if (Optional(map, key) is { } node)
            {
                return Scalar(node, path);
            }

            Error(map, path, "is required");
            return null;
        }

        public IReadOnlyList<string>? StringList(YamlMappingNode map, string key, string path, bool required)
        {
            if (Optional(map, key) is not { } node)
            {
                if (required)
                {
                    Error(map, path, "is required");
                }

                return null;
            }

            if (Sequence(node, path) is not { } sequence)
            {
                return null;
            }

            if (sequence.Children.Count == 0)
            {
                Error(node, path, "must not be empty");
                return null;
            }

            var values = new List<string>();
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                if (Scalar(sequence.Children[i], $"{path}[{i}]") is { } value)
                {
                    values.Add(value);
                }
            }

            return values;
        }

        public double? OptionalNumber(YamlMappingNode map, string key, string path, double min, double max)
        {
            if (Optional(map, key) is not { } node)
            {
                return null;
            }

            if (node is YamlScalarNode { Value: { } text }
                && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                if (value < min || value > max)
                {
                    Error(node, path, $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}");
                }

                return value;
            }

            Error(node, path, "must be a number");
            return null;
        }

        public long? OptionalInteger(YamlMappingNode map, string key, string path)
        {
            if (Optional(map, key) is not { } node)
            {
                return null;
            }

            if (node is YamlScalarNode { Value: { } text } && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            Error(node, path, "must be a whole number, 0 or more");
            return null;
        }

        public bool? OptionalBool(YamlMappingNode map, string key, string path)
        {
            if (Optional(map, key) is not { } node)
            {
                return null;
            }

            if (node is YamlScalarNode { Value: "true" or "false" } scalar)
            {
                return scalar.Value == "true";
            }

            Error(node, path, "must be true or false");
            return null;
        }

        public DecisionOutcome? Outcome(YamlMappingNode map, string key, string path)
        {
            if (Optional(map, key) is not { } node)
            {
                Error(map, path, "is required");
                return null;
            }

            if (node is YamlScalarNode { Value: { } text } && DecisionOutcomes.TryParse(text, out var outcome))
            {
                return outcome;
            }

            Error(node, path, $"must be one of {DecisionOutcomes.AllNames}");
            return null;
        }

        public T? Enum<T>(YamlMappingNode map, string key, string path, bool required)
            where T : struct, System.Enum
        {
            if (Optional(map, key) is not { } node)
            {
                if (required)
                {
                    Error(map, path, "is required");
                }

                return null;
            }

            foreach (var value in System.Enum.GetValues<T>())
            {
                if (node is YamlScalarNode { Value: { } text } && text == value.ToString().ToLowerInvariant())
                {
                    return value;
                }
            }

            Error(node, path, $"must be one of {string.Join(", ", System.Enum.GetValues<T>().Select(v => v.ToString().ToLowerInvariant()))}");
            return null;
        }
    }
}
