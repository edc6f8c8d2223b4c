namespace Platform.SafetyGuard.Actions;

/// <summary>The stable rule ids of action decisions (policies name tools, not rules, so these are fixed).</summary>
public static class ActionRuleIds
{
    public const string UnknownTool = "action.tool.unknown";
    public const string MaxCost = "action.cost.max";
    public const string ArgumentRequired = "action.argument.required";
    public const string ArgumentType = "action.argument.type";
    public const string UrlDomain = "action.argument.url_domain";
    public const string Path = "action.argument.path";
    public const string Range = "action.argument.range";
    public const string MaxLength = "action.argument.max_length";
    public const string AllowedValues = "action.argument.allowed_values";

    public static string Risk(RiskLevel level) => $"action.risk.{level.ToString().ToLowerInvariant()}";
}
