using System.Text.Json;

namespace Platform.SafetyGuard.Actions;

/// <summary>
/// A constraint on one top-level argument of a tool call. <see cref="Check"/> answers null when the
/// value satisfies it, otherwise the violation (its rule id and why).
/// </summary>
public abstract record ArgumentConstraint(bool Required)
{
    public abstract ActionViolation? Check(string argument, JsonElement value);

    protected static ActionViolation Violation(string ruleId, string argument, string message) =>
        new(ruleId, $"arguments.{argument}", message);
}
