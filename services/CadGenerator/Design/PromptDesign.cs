using Platform.CadGenerator.Templates;

namespace Platform.CadGenerator.Design;

/// <summary>
/// What the prompt parser made of a prompt: the chosen template and the values it read (by
/// parameter name, in mm), what it could not place (<see cref="Notes"/>), or why it failed
/// (<see cref="Errors"/>, keyed by parameter name or <c>prompt</c>).
/// </summary>
public sealed record PromptDesign(
    CadTemplate? Template,
    IReadOnlyDictionary<string, double> Values,
    ResolvedParameters? Parameters,
    IReadOnlyList<string> Notes,
    IReadOnlyDictionary<string, string> Errors)
{
    public bool Succeeded => Parameters is not null && Errors.Count == 0;
}
