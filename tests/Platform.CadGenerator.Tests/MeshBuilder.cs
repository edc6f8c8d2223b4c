using System.Numerics;
using Platform.CadGenerator.Geometry;

namespace Platform.CadGenerator.Tests;

/// <summary>Hand-built triangle meshes with known defects, to test the validator without a renderer.</summary>
internal static class MeshBuilder
{
    /// <summary>An axis-aligned box as 12 triangles, counter-clockwise seen from outside.</summary>
    public static List<Triangle> Box(Vector3 min, Vector3 size)
    {
        var max = min + size;
        Vector3 P(int x, int y, int z) => new(x == 0 ? min.X : max.X, y == 0 ? min.Y : max.Y, z == 0 ? min.Z : max.Z);
        // Each face as a quad a-b-c-d, counter-clockwise from outside.
        var quads = new[]
        {
            (P(0, 0, 0), P(0, 1, 0), P(1, 1, 0), P(1, 0, 0)), // bottom (-Z)
            (P(0, 0, 1), P(1, 0, 1), P(1, 1, 1), P(0, 1, 1)), // top (+Z)
            (P(0, 0, 0), P(1, 0, 0), P(1, 0, 1), P(0, 0, 1)), // front (-Y)
            (P(0, 1, 0), P(0, 1, 1), P(1, 1, 1), P(1, 1, 0)), // back (+Y)
            (P(0, 0, 0), P(0, 0, 1), P(0, 1, 1), P(0, 1, 0)), // left (-X)
            (P(1, 0, 0), P(1, 1, 0), P(1, 1, 1), P(1, 0, 1)), // right (+X)
        };
        var triangles = new List<Triangle>();
        foreach (var (a, b, c, d) in quads)
        {
            triangles.Add(new Triangle(a, b, c));
            triangles.Add(new Triangle(a, c, d));
        }

        return triangles;
    }

    public static Triangle Flip(Triangle t) => new(t.A, t.C, t.B);

    public static byte[] ToBinaryStl(IReadOnlyList<Triangle> triangles)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(new byte[80]);
        writer.Write((uint)triangles.Count);
        foreach (var t in triangles)
        {
            writer.Write(0f);
            writer.Write(0f);
            writer.Write(0f);
            foreach (var v in new[] { t.A, t.B, t.C })
            {
                writer.Write(v.X);
                writer.Write(v.Y);
                writer.Write(v.Z);
            }

            writer.Write((ushort)0);
        }

        writer.Flush();
        return stream.ToArray();
    }

    public static string ToAsciiStl(IReadOnlyList<Triangle> triangles)
    {
        var text = new System.Text.StringBuilder("solid test\n");
        foreach (var t in triangles)
        {
            text.Append("  facet normal 0 0 0\n    outer loop\n");
            foreach (var v in new[] { t.A, t.B, t.C })
            {
                text.Append(System.FormattableString.Invariant($"      vertex {v.X:R} {v.Y:R} {v.Z:E6}\n"));
            }

            text.Append("    endloop\n  endfacet\n");
        }

        return text.Append("endsolid test\n").ToString();
    }
}
