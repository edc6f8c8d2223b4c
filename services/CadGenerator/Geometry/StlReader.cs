using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Platform.CadGenerator.Geometry;

/// <summary>
/// Reads STL, binary or ASCII. A file is binary when its length is exactly 84 + 50 × the count in its
/// header (an ASCII file could start with "solid" either way, so the header word alone cannot decide).
/// </summary>
public static class StlReader
{
    public static IReadOnlyList<Triangle> Read(string path) => Read(File.ReadAllBytes(path));

    public static IReadOnlyList<Triangle> Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 84)
        {
            var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(80, 4));
            if (84L + 50L * count == bytes.Length)
            {
                return ReadBinary(bytes, (int)count);
            }
        }

        var text = Encoding.ASCII.GetString(bytes);
        if (text.TrimStart().StartsWith("solid", StringComparison.OrdinalIgnoreCase))
        {
            return ReadAscii(text);
        }

        throw new InvalidDataException(
            $"Not an STL file: {bytes.Length} bytes is neither a binary STL (84 + 50 per triangle) nor ASCII text starting with 'solid'.");
    }

    private static List<Triangle> ReadBinary(ReadOnlySpan<byte> bytes, int count)
    {
        var triangles = new List<Triangle>(count);
        for (var i = 0; i < count; i++)
        {
            // 12 bytes of normal, then three corners, then a 2-byte attribute.
            var facet = bytes.Slice(84 + 50 * i + 12, 36);
            triangles.Add(new Triangle(Vertex(facet, 0), Vertex(facet, 12), Vertex(facet, 24)));
        }

        return triangles;
    }

    private static Vector3 Vertex(ReadOnlySpan<byte> facet, int offset) => new(
        BinaryPrimitives.ReadSingleLittleEndian(facet.Slice(offset, 4)),
        BinaryPrimitives.ReadSingleLittleEndian(facet.Slice(offset + 4, 4)),
        BinaryPrimitives.ReadSingleLittleEndian(facet.Slice(offset + 8, 4)));

    private static List<Triangle> ReadAscii(string text)
    {
        var triangles = new List<Triangle>();
        var corners = new List<Vector3>(3);
        var tokens = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < tokens.Length; i++)
        {
            switch (tokens[i].ToLowerInvariant())
            {
                case "facet":
                    corners.Clear();
                    break;
                case "vertex":
                    if (i + 3 >= tokens.Length)
                    {
                        throw new InvalidDataException("ASCII STL: a vertex has fewer than three coordinates.");
                    }

                    corners.Add(new Vector3(Number(tokens[i + 1]), Number(tokens[i + 2]), Number(tokens[i + 3])));
                    i += 3;
                    break;
                case "endfacet":
                    if (corners.Count != 3)
                    {
                        throw new InvalidDataException($"ASCII STL: facet {triangles.Count + 1} has {corners.Count} vertices, not 3.");
                    }

                    triangles.Add(new Triangle(corners[0], corners[1], corners[2]));
                    break;
            }
        }

        return triangles;
    }

    private static float Number(string token) =>
        float.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value)
            ? value
            : throw new InvalidDataException($"ASCII STL: '{token}' is not a finite number.");
}
