namespace Platform.CadGenerator.Geometry;

/// <summary>The measurements of a mesh and the checks made on them; <see cref="Passed"/> only when every check did.</summary>
public sealed record MeshReport(
    int Triangles,
    int Vertices,
    int BoundaryEdges,
    int NonManifoldEdges,
    int MisorientedEdges,
    int DegenerateTriangles,
    int Components,
    double Volume,
    double[] BoundingBoxMin,
    double[] BoundingBoxSize,
    IReadOnlyList<MeshCheck> Checks)
{
    public bool Passed => Checks.All(c => c.Passed);

    public IEnumerable<MeshCheck> Failures => Checks.Where(c => !c.Passed);
}
