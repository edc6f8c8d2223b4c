namespace Platform.CadGenerator.Templates;

/// <summary>A complete, checked parameter set for a template: every parameter, in declared order.</summary>
public sealed record ResolvedParameters(CadTemplate Template, IReadOnlyList<KeyValuePair<string, double>> Values)
{
    public IReadOnlyDictionary<string, double> ToDictionary() => Values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
}
