using System.Text.RegularExpressions;

namespace Platform.Deployment.Tests;

/// <summary>The health paths the services really map (Platform.ServiceDefaults), read from its source.</summary>
public static partial class HealthEndpoints
{
    private static readonly IReadOnlyList<string> Mapped =
        [.. MapHealthChecks().Matches(Repository.Read("shared/Platform.ServiceDefaults/ServiceDefaultsExtensions.cs")).Select(m => m.Groups[1].Value)];

    public static string Live => Mapped.Single(p => p.EndsWith("/live", StringComparison.Ordinal));

    public static string Ready => Mapped.Single(p => p.EndsWith("/ready", StringComparison.Ordinal));

    [GeneratedRegex(@"MapHealthChecks\(""([^""]+)""")]
    private static partial Regex MapHealthChecks();
}
