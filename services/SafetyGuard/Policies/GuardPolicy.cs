using Platform.SafetyGuard.Actions;
using Platform.SafetyGuard.Decisions;

namespace Platform.SafetyGuard.Policies;

/// <summary>
/// A compiled policy: rules for prompts and for agent actions. Built only by <see cref="PolicyParser"/>
/// from a YAML document that validated completely, so a policy in force is never half-applied.
/// </summary>
public sealed record GuardPolicy(string Id, PromptPolicy Prompt, ActionPolicy Actions)
{
    public const string DefaultResourceName = "Platform.SafetyGuard.default-policy.yaml";

    private static readonly Lazy<(GuardPolicy Policy, string Yaml)> Shipped = new(LoadDefault);

    /// <summary>The policy every account has until it sets its own (<c>Policies/default-policy.yaml</c>, embedded).</summary>
    public static GuardPolicy Default => Shipped.Value.Policy;

    public static string DefaultYaml => Shipped.Value.Yaml;

    private static (GuardPolicy, string) LoadDefault()
    {
        using var stream = typeof(GuardPolicy).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {DefaultResourceName} is missing.");
        using var reader = new StreamReader(stream);
        var yaml = reader.ReadToEnd();
        var result = PolicyParser.Parse(yaml);
        if (result.Policy is null)
        {
            throw new InvalidOperationException(
                "The shipped default policy is invalid: " + string.Join("; ", result.Errors.Select(e => e.ToString())));
        }

        return (result.Policy, yaml);
    }
}
