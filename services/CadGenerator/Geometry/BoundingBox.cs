using System.Numerics;

namespace Platform.CadGenerator.Geometry;

public sealed record BoundingBox(Vector3 Min, Vector3 Max)
{
    public Vector3 Size => Max - Min;
}
