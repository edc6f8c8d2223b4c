using System.Numerics;
using System.Text;
using Platform.CadGenerator.Geometry;

namespace Platform.CadGenerator.Tests;

public sealed class StlReaderTests
{
    private static readonly List<Triangle> Cube = MeshBuilder.Box(new Vector3(-1.5f, 0, 2), new Vector3(4, 5, 6));

    [Fact]
    public void Binary_and_ascii_read_the_same_triangles()
    {
        var binary = StlReader.Read(MeshBuilder.ToBinaryStl(Cube));
        var ascii = StlReader.Read(Encoding.ASCII.GetBytes(MeshBuilder.ToAsciiStl(Cube)));

        Assert.Equal(Cube, binary);
        Assert.Equal(Cube, ascii);
    }

    [Fact]
    public void A_binary_file_whose_header_starts_with_solid_is_still_binary()
    {
        var bytes = MeshBuilder.ToBinaryStl(Cube);
        Encoding.ASCII.GetBytes("solid OpenSCAD_Model").CopyTo(bytes, 0);

        Assert.Equal(Cube, StlReader.Read(bytes));
    }

    [Fact]
    public void Truncated_or_malformed_files_are_refused()
    {
        var bytes = MeshBuilder.ToBinaryStl(Cube);
        Assert.Throws<InvalidDataException>(() => StlReader.Read(bytes.AsSpan(0, bytes.Length - 10)));
        Assert.Throws<InvalidDataException>(() => StlReader.Read("solid x\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nendloop\nendfacet\n"u8));
        Assert.Throws<InvalidDataException>(() => StlReader.Read("solid x\nfacet\nvertex 0 0 nan\n"u8));
    }
}
