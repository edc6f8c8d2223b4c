using Microsoft.Extensions.Options;

namespace Platform.Inference.Upstream;

/// <summary>Resolves a requested model name to its plan: a cascade's steps, or one step with its routes by priority.</summary>
public sealed class UpstreamRouter
{
    private readonly Dictionary<string, UpstreamStep> _steps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UpstreamPlan> _plans = new(StringComparer.Ordinal);

    public UpstreamRouter(IOptions<UpstreamOptions> options)
    {
        var routes = options.Value.Routes
            .Select(r => new UpstreamRoute(r.Key, r.Value))
            .OrderBy(r => r.Priority)
            .ThenBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        Routes = routes;
        foreach (var model in routes.SelectMany(r => r.Models.Keys).Distinct(StringComparer.Ordinal))
        {
            var step = new UpstreamStep(model, [.. routes.Where(r => r.Models.ContainsKey(model))]);
            _steps[model] = step;
            _plans[model] = new UpstreamPlan(model, [step]);
        }

        foreach (var (name, cascade) in options.Value.Cascades)
        {
            _plans[name] = new UpstreamPlan(name, [.. cascade.Models.Select(m => _steps[m])]);
        }
    }

    public IReadOnlyList<UpstreamRoute> Routes { get; }

    /// <summary>Every model name a client may ask for (served models and cascades).</summary>
    public IEnumerable<string> ModelNames => _plans.Keys;

    public UpstreamPlan? Find(string model) => _plans.GetValueOrDefault(model);
}
