using System.Text.Json;

namespace Platform.SafetyGuard.Actions;

/// <summary>A string argument: at most <see cref="MaxLength"/> characters, and one of <see cref="Values"/> when given.</summary>
public sealed record StringConstraint(bool Required, int? MaxLength, IReadOnlySet<string>? Values) : ArgumentConstraint(Required)
{
    public override ActionViolation? Check(string argument, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return Violation(ActionRuleIds.ArgumentType, argument, "must be a string");
        }

        var text = value.GetString()!;
        if (MaxLength is { } max && text.Length > max)
        {
            return Violation(ActionRuleIds.MaxLength, argument, $"must be at most {max} characters");
        }

        return Values is not null && !Values.Contains(text)
            ? Violation(ActionRuleIds.AllowedValues, argument, $"must be one of {string.Join(", ", Values.Order(StringComparer.Ordinal))}")
            : null;
    }
}
