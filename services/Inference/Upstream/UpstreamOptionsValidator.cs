using Microsoft.Extensions.Options;

namespace Platform.Inference.Upstream;

/// <summary>Checked at start, so a wrong route fails the service with the setting to fix, not a request later.</summary>
public sealed class UpstreamOptionsValidator : IValidateOptions<UpstreamOptions>
{
    public ValidateOptionsResult Validate(string? name, UpstreamOptions options)
    {
        var errors = new List<string>();
        var served = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (route, settings) in options.Routes)
        {
            var prefix = $"{UpstreamOptions.SectionName}:Routes:{route}";
            if (!Uri.TryCreate(settings.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add($"{prefix}:BaseUrl must be an absolute http(s) URL (e.g. http://127.0.0.1:11434/v1), not '{settings.BaseUrl}'.");
            }

            if (settings.Models.Count == 0)
            {
                errors.Add($"{prefix}:Models must name at least one model (client name → upstream name).");
            }

            if (settings.TimeoutMs is < 1 or > 3_600_000)
            {
                errors.Add($"{prefix}:TimeoutMs must be 1 to 3600000.");
            }

            if (settings.MaxRetries is < 0 or > 10)
            {
                errors.Add($"{prefix}:MaxRetries must be 0 to 10.");
            }

            if (settings.RetryDelayMs is < 0 or > 60_000)
            {
                errors.Add($"{prefix}:RetryDelayMs must be 0 to 60000.");
            }

            foreach (var model in settings.Models.Keys.Where(m => !IsBillableName(m)))
            {
                errors.Add($"{prefix}:Models has '{model}': client model names must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-' (Billing prices usage by this name; map it to the upstream's name as the value).");
            }

            served.UnionWith(settings.Models.Keys);
        }

        foreach (var (cascade, settings) in options.Cascades)
        {
            var prefix = $"{UpstreamOptions.SectionName}:Cascades:{cascade}";
            if (settings.Models.Count < 2)
            {
                errors.Add($"{prefix}:Models must list at least two models, cheapest first.");
            }

            foreach (var model in settings.Models.Where(m => !served.Contains(m)))
            {
                errors.Add($"{prefix}:Models names '{model}', which no route serves.");
            }

            if (served.Contains(cascade))
            {
                errors.Add($"{prefix}: '{cascade}' is also a model served by a route; a cascade needs a name of its own.");
            }
        }

        if (options.MaxMessages < 1)
        {
            errors.Add($"{UpstreamOptions.SectionName}:MaxMessages must be at least 1.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Billing's rule for model names (the same as for transfer ids).</summary>
    private static bool IsBillableName(string name) =>
        name.Length is >= 1 and <= 128 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');
}
