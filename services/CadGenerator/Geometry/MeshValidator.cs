using System.Globalization;
using System.Numerics;

namespace Platform.CadGenerator.Geometry;

/// <summary>
/// Checks that a triangle soup is a printable solid, as text-to-CAD evaluations (CadEval) do:
/// corners are first welded (within <see cref="WeldTolerance"/>), then every edge must be shared by
/// exactly two triangles (watertight and edge-manifold), used once in each direction (consistent
/// orientation), no triangle may be degenerate, the enclosed volume must be positive (normals face
/// outward), and the number of separate parts and the bounding box must match what was asked for.
/// </summary>
public static class MeshValidator
{
    /// <summary>Corners closer than this (mm, per axis) are the same vertex.</summary>
    public const double WeldTolerance = 1e-4;

    /// <summary>How far each side of the bounding box may be from the requested size (mm).</summary>
    public const double SizeTolerance = 0.5;

    /// <summary>A triangle is degenerate when its height is below this fraction of its longest edge (a sliver or a point).</summary>
    private const double DegenerateRatio = 1e-6;

    public static MeshReport Validate(IReadOnlyList<Triangle> triangles, ExpectedShape? expected)
    {
        var welder = new VertexWelder(WeldTolerance);
        var indices = new int[triangles.Count * 3];
        for (var t = 0; t < triangles.Count; t++)
        {
            indices[3 * t] = welder.Add(triangles[t].A);
            indices[3 * t + 1] = welder.Add(triangles[t].B);
            indices[3 * t + 2] = welder.Add(triangles[t].C);
        }

        var vertices = welder.Vertices;
        var degenerate = 0;
        // Per undirected edge: how many triangles use it, and the sum of +1 (low -> high index) / -1 (high -> low).
        var edges = new Dictionary<long, (int Uses, int Direction)>(triangles.Count * 3 / 2 + 1);
        var components = new UnionFind(vertices.Count);
        double volume = 0;
        var origin = vertices.Count > 0 ? vertices[0] : Vector3D.Zero;
        for (var t = 0; t < triangles.Count; t++)
        {
            int a = indices[3 * t], b = indices[3 * t + 1], c = indices[3 * t + 2];
            if (a == b || b == c || a == c)
            {
                degenerate++;
                continue;
            }

            Vector3D pa = vertices[a] - origin, pb = vertices[b] - origin, pc = vertices[c] - origin;
            var cross = Vector3D.Cross(pb - pa, pc - pa);
            var longest = Math.Max((pb - pa).LengthSquared, Math.Max((pc - pb).LengthSquared, (pa - pc).LengthSquared));
            // |cross| = 2 * area = longest edge * height.
            if (cross.Length <= DegenerateRatio * longest)
            {
                degenerate++;
            }

            // Divergence theorem: the signed tetrahedra from the origin sum to the enclosed volume.
            volume += Vector3D.Dot(pa, Vector3D.Cross(pb, pc)) / 6.0;
            AddEdge(edges, a, b);
            AddEdge(edges, b, c);
            AddEdge(edges, c, a);
            components.Union(a, b);
            components.Union(a, c);
        }

        int boundary = 0, nonManifold = 0, misoriented = 0;
        foreach (var (uses, direction) in edges.Values)
        {
            if (uses == 1)
            {
                boundary++;
            }
            else if (uses > 2)
            {
                nonManifold++;
            }
            else if (direction != 0)
            {
                misoriented++;
            }
        }

        var used = new HashSet<int>();
        for (var t = 0; t < triangles.Count; t++)
        {
            used.Add(components.Find(indices[3 * t]));
        }

        var min = new Vector3D(double.MaxValue, double.MaxValue, double.MaxValue);
        var max = new Vector3D(double.MinValue, double.MinValue, double.MinValue);
        foreach (var v in vertices)
        {
            min = Vector3D.Min(min, v);
            max = Vector3D.Max(max, v);
        }

        var size = vertices.Count > 0 ? max - min : Vector3D.Zero;
        if (vertices.Count == 0)
        {
            min = Vector3D.Zero;
        }

        var checks = new List<MeshCheck>
        {
            new("not-empty", triangles.Count > 0, $"{triangles.Count} triangles"),
            new("watertight", boundary == 0, boundary == 0 ? "every edge is shared" : $"{boundary} edges belong to one triangle only (holes in the surface)"),
            new("edge-manifold", nonManifold == 0, nonManifold == 0 ? "no edge has more than two triangles" : $"{nonManifold} edges are shared by more than two triangles"),
            new("orientation", misoriented == 0, misoriented == 0 ? "neighbouring triangles agree on their orientation" : $"{misoriented} edges are used twice in the same direction (flipped triangles)"),
            new("degenerate-triangles", degenerate == 0, degenerate == 0 ? "none" : $"{degenerate} triangles have (almost) no area"),
            new("volume", volume > 0, $"{Format(volume)} mm³" + (volume > 0 ? "" : " (not positive: inside out or not closed)")),
        };
        if (expected is not null)
        {
            checks.Add(new("components", used.Count == expected.Components, $"{used.Count} separate parts, expected {expected.Components}"));
            double[] want = [expected.SizeX, expected.SizeY, expected.SizeZ];
            double[] got = [size.X, size.Y, size.Z];
            var fits = Enumerable.Range(0, 3).All(i => Math.Abs(got[i] - want[i]) <= SizeTolerance);
            checks.Add(new("bounding-box", fits,
                $"{Format(got[0])} x {Format(got[1])} x {Format(got[2])} mm, expected {Format(want[0])} x {Format(want[1])} x {Format(want[2])} mm (±{Format(SizeTolerance)})"));
        }

        return new MeshReport(
            triangles.Count, vertices.Count, boundary, nonManifold, misoriented, degenerate, used.Count,
            Math.Round(volume, 3), [Math.Round(min.X, 4), Math.Round(min.Y, 4), Math.Round(min.Z, 4)],
            [Math.Round(size.X, 4), Math.Round(size.Y, 4), Math.Round(size.Z, 4)], checks);
    }

    private static void AddEdge(Dictionary<long, (int Uses, int Direction)> edges, int from, int to)
    {
        var key = from < to ? ((long)from << 32) | (uint)to : ((long)to << 32) | (uint)from;
        var (uses, direction) = edges.GetValueOrDefault(key);
        edges[key] = (uses + 1, direction + (from < to ? 1 : -1));
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
