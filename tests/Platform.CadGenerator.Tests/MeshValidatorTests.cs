using System.Numerics;
using Platform.CadGenerator.Geometry;

namespace Platform.CadGenerator.Tests;

public sealed class MeshValidatorTests
{
    private static readonly List<Triangle> Cube = MeshBuilder.Box(new Vector3(1, 2, 3), new Vector3(10, 20, 3));

    private static MeshCheck Check(MeshReport report, string name) => report.Checks.Single(c => c.Name == name);

    [Fact]
    public void A_closed_box_passes_every_check_with_its_volume_and_size()
    {
        var report = MeshValidator.Validate(Cube, new ExpectedShape(10, 20, 3));

        Assert.True(report.Passed, string.Join("; ", report.Failures.Select(f => f.Name + ": " + f.Detail)));
        Assert.Equal(12, report.Triangles);
        Assert.Equal(8, report.Vertices);
        Assert.Equal(600, report.Volume, 3);
        Assert.Equal(new[] { 10.0, 20.0, 3.0 }, report.BoundingBoxSize);
        Assert.Equal(new[] { 1.0, 2.0, 3.0 }, report.BoundingBoxMin);
        Assert.Equal(1, report.Components);
    }

    [Fact]
    public void A_missing_face_leaves_boundary_edges()
    {
        var open = Cube.Skip(2).ToList(); // no bottom
        var report = MeshValidator.Validate(open, new ExpectedShape(10, 20, 3));

        Assert.False(report.Passed);
        Assert.Equal(4, report.BoundaryEdges);
        Assert.False(Check(report, "watertight").Passed);
        Assert.True(Check(report, "orientation").Passed);
    }

    [Fact]
    public void A_flipped_face_is_inconsistently_oriented()
    {
        var flipped = Cube.ToList();
        flipped[2] = MeshBuilder.Flip(flipped[2]);
        flipped[3] = MeshBuilder.Flip(flipped[3]);
        var report = MeshValidator.Validate(flipped, new ExpectedShape(10, 20, 3));

        Assert.True(Check(report, "watertight").Passed);
        Assert.False(Check(report, "orientation").Passed);
        Assert.Equal(4, report.MisorientedEdges); // the top face's outline; its diagonal is shared by the two flipped triangles
    }

    [Fact]
    public void An_inside_out_box_has_negative_volume()
    {
        var report = MeshValidator.Validate([.. Cube.Select(MeshBuilder.Flip)], null);

        Assert.True(Check(report, "orientation").Passed);
        Assert.False(Check(report, "volume").Passed);
        Assert.Equal(-600, report.Volume, 3);
    }

    [Fact]
    public void Two_disjoint_boxes_are_two_components()
    {
        var two = Cube.Concat(MeshBuilder.Box(new Vector3(20, 0, 0), new Vector3(5, 5, 5))).ToList();

        var asOne = MeshValidator.Validate(two, new ExpectedShape(24, 22, 6));
        var asTwo = MeshValidator.Validate(two, new ExpectedShape(24, 22, 6, Components: 2));

        Assert.Equal(2, asOne.Components);
        Assert.False(Check(asOne, "components").Passed);
        Assert.True(asTwo.Passed, string.Join("; ", asTwo.Failures.Select(f => f.Name + ": " + f.Detail)));
        Assert.Equal(725, asTwo.Volume, 3);
    }

    [Fact]
    public void A_wrong_size_fails_the_bounding_box_within_half_a_millimetre()
    {
        Assert.True(Check(MeshValidator.Validate(Cube, new ExpectedShape(10.4, 19.6, 3)), "bounding-box").Passed);
        Assert.False(Check(MeshValidator.Validate(Cube, new ExpectedShape(10.6, 20, 3)), "bounding-box").Passed);
    }

    [Fact]
    public void Degenerate_triangles_and_edges_with_three_faces_are_found()
    {
        var extra = Cube.ToList();
        extra.Add(new Triangle(new Vector3(1, 2, 3), new Vector3(6, 2, 3), new Vector3(11, 2, 3))); // collinear: no area
        var degenerate = MeshValidator.Validate(extra, null);
        Assert.Equal(1, degenerate.DegenerateTriangles);

        var fin = Cube.ToList();
        fin.Add(new Triangle(new Vector3(1, 2, 3), new Vector3(11, 2, 3), new Vector3(6, -5, 3))); // a fin on the bottom front edge
        var report = MeshValidator.Validate(fin, null);
        Assert.Equal(1, report.NonManifoldEdges);
        Assert.False(Check(report, "edge-manifold").Passed);
    }

    [Fact]
    public void Corners_within_the_weld_tolerance_are_one_vertex()
    {
        // Move one corner of one triangle by less than the tolerance: the box must stay closed.
        var jittered = Cube.ToList();
        var t = jittered[0];
        jittered[0] = t with { A = t.A + new Vector3(0.00003f, -0.00003f, 0) };
        var report = MeshValidator.Validate(jittered, new ExpectedShape(10, 20, 3));

        Assert.True(report.Passed, string.Join("; ", report.Failures.Select(f => f.Name + ": " + f.Detail)));
        Assert.Equal(8, report.Vertices);
    }

    [Fact]
    public void An_empty_mesh_fails()
    {
        var report = MeshValidator.Validate([], new ExpectedShape(1, 1, 1));
        Assert.False(Check(report, "not-empty").Passed);
        Assert.False(report.Passed);
    }
}
