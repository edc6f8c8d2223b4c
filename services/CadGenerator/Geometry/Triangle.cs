using System.Numerics;

namespace Platform.CadGenerator.Geometry;

/// <summary>One facet as stored in an STL file: three corners, counter-clockwise seen from outside (the facet normal is ignored, as slicers do).</summary>
public readonly record struct Triangle(Vector3 A, Vector3 B, Vector3 C);
