using Platform.CadGenerator.Geometry;

namespace Platform.CadGenerator.Templates;

/// <summary>
/// A parametric part: its typed parameters, the rules between them, and its OpenSCAD source, which
/// reads the parameters as variables and never assigns them (<see cref="ScadWriter"/> does), and
/// the shape it promises for a parameter set (bounding box, parts), which validation holds it to.
/// </summary>
public sealed record CadTemplate(
    string Id,
    string Name,
    string Description,
    IReadOnlyList<TemplateParameter> Parameters,
    IReadOnlyList<TemplateRule> Rules,
    string ScadBody,
    Func<IReadOnlyDictionary<string, double>, ExpectedShape> Shape)
{
    public ExpectedShape ExpectedShape(ResolvedParameters parameters) => Shape(parameters.ToDictionary());

    public TemplateParameter? FindParameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);
}
