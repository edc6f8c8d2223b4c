using Platform.CadGenerator.Geometry;

namespace Platform.CadGenerator.Design;

/// <summary>
/// What will be rendered: the OpenSCAD program, the template it came from (<see cref="CustomTemplateId"/>
/// for a whole program an LLM wrote) with its parameters, and the shape the mesh is held to.
/// </summary>
public sealed record CadDesign(string TemplateId, IReadOnlyDictionary<string, double> Parameters, string Scad, ExpectedShape Shape)
{
    /// <summary>The template id of programs written whole by an LLM (they have no parameters).</summary>
    public const string CustomTemplateId = "custom";
}
