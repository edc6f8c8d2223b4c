namespace Platform.Benchmarks.Framework;

/// <summary>The scenarios by command-line name.</summary>
public sealed class ScenarioRegistry
{
    private readonly SortedDictionary<string, IScenario> _scenarios = new(StringComparer.OrdinalIgnoreCase);

    public ScenarioRegistry Add(IScenario scenario)
    {
        if (!_scenarios.TryAdd(scenario.Name, scenario))
        {
            throw new InvalidOperationException($"Two scenarios are named '{scenario.Name}'.");
        }

        return this;
    }

    public IEnumerable<IScenario> All => _scenarios.Values;

    public bool TryGet(string name, out IScenario scenario) => _scenarios.TryGetValue(name, out scenario!);
}
