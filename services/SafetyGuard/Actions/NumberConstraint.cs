using System.Text.Json;

namespace Platform.SafetyGuard.Actions;

/// <summary>A numeric argument within [<see cref="Min"/>, <see cref="Max"/>] (either bound optional).</summary>
public sealed record NumberConstraint(bool Required, double? Min, double? Max) : ArgumentConstraint(Required)
{
    public override ActionViolation? Check(string argument, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            return Violation(ActionRuleIds.ArgumentType, argument, "must be a number");
        }

        return number < Min || number > Max
            ? Violation(ActionRuleIds.Range, argument, $"must be between {Min?.ToString() ?? "-inf"} and {Max?.ToString() ?? "+inf"}")
            : null;
    }
}
