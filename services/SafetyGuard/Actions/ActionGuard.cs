using System.Diagnostics;
using System.Text.Json;
using Platform.SafetyGuard.Decisions;

namespace Platform.SafetyGuard.Actions;

/// <summary>
/// Checks an agent action against a policy: the tool must be on the allow-list, every constrained
/// argument must satisfy its constraint, the estimated cost must fit the ceilings, and the tool's
/// risk level decides what remains. Any violation denies. Pure and synchronous, like the prompt guard.
/// </summary>
public static class ActionGuard
{
    public static ActionVerdict Check(ToolCall call, ActionPolicy policy)
    {
        var started = Stopwatch.GetTimestamp();
        var violations = new List<ActionViolation>();
        if (!policy.Tools.TryGetValue(call.Tool, out var tool))
        {
            violations.Add(new ActionViolation(ActionRuleIds.UnknownTool, "tool", $"'{call.Tool}' is not an allowed tool in this policy"));
            return Done(DecisionOutcome.Deny, null);
        }

        if (call.Arguments.ValueKind != JsonValueKind.Object)
        {
            violations.Add(new ActionViolation(ActionRuleIds.ArgumentType, "arguments", "must be a JSON object"));
        }
        else
        {
            foreach (var (name, constraint) in tool.Arguments)
            {
                if (!call.Arguments.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    if (constraint.Required)
                    {
                        violations.Add(new ActionViolation(ActionRuleIds.ArgumentRequired, $"arguments.{name}", "is required"));
                    }

                    continue;
                }

                if (constraint.Check(name, value) is { } violation)
                {
                    violations.Add(violation);
                }
            }
        }

        if (call.EstimatedCost is { } cost)
        {
            foreach (var ceiling in new[] { tool.MaxCost, policy.MaxCost })
            {
                if (ceiling is { } max && cost > max)
                {
                    violations.Add(new ActionViolation(ActionRuleIds.MaxCost, "estimatedCost", $"{cost} exceeds the ceiling of {max}"));
                    break;
                }
            }
        }

        if (violations.Count > 0)
        {
            return Done(DecisionOutcome.Deny, tool.Risk);
        }

        var outcome = policy.RiskOutcomes.TryGetValue(tool.Risk, out var mapped) ? mapped : DecisionOutcome.Deny;
        return Done(outcome, tool.Risk);

        ActionVerdict Done(DecisionOutcome result, RiskLevel? risk)
        {
            var ruleIds = violations.Select(v => v.RuleId).Distinct(StringComparer.Ordinal).ToList();
            if (violations.Count == 0 && result != DecisionOutcome.Allow && risk is { } level)
            {
                ruleIds.Add(ActionRuleIds.Risk(level));
            }

            return new ActionVerdict(result, ruleIds, violations, risk, Stopwatch.GetElapsedTime(started));
        }
    }
}
