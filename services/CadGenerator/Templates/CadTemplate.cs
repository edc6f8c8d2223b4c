namespace Platform.CadGenerator.Templates;

/// <summary>
/// A parametric part: its typed parameters, the rules between them, and its OpenSCAD source, which
/// reads the parameters as variables and never assigns them (<see cref="ScadWriter"/> does).
/// </summary>
public sealed record CadTemplate(
    string Id,
    string Name,
    string Description,
    IReadOnlyList<TemplateParameter> Parameters,
    IReadOnlyList<TemplateRule> Rules,
    string ScadBody)
{
    public TemplateParameter? FindParameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);
}
