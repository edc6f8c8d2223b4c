namespace Platform.CadGenerator.Geometry;

/// <summary>
/// Merges corners that lie within a tolerance of each other into one vertex index. Points are hashed
/// to a grid of tolerance-sized cells and a new point is compared with the 27 cells around it, so
/// two close points on either side of a cell border still merge.
/// </summary>
public sealed class VertexWelder(double tolerance)
{
    private readonly Dictionary<(long, long, long), List<int>> _cells = [];
    private readonly List<Vector3D> _vertices = [];

    public IReadOnlyList<Vector3D> Vertices => _vertices;

    public int Add(Vector3D point)
    {
        var cell = Cell(point);
        for (var dx = -1; dx <= 1; dx++)
        {
            for (var dy = -1; dy <= 1; dy++)
            {
                for (var dz = -1; dz <= 1; dz++)
                {
                    if (!_cells.TryGetValue((cell.Item1 + dx, cell.Item2 + dy, cell.Item3 + dz), out var candidates))
                    {
                        continue;
                    }

                    foreach (var index in candidates)
                    {
                        var other = _vertices[index];
                        if (Math.Abs(other.X - point.X) <= tolerance && Math.Abs(other.Y - point.Y) <= tolerance && Math.Abs(other.Z - point.Z) <= tolerance)
                        {
                            return index;
                        }
                    }
                }
            }
        }

        _vertices.Add(point);
        if (!_cells.TryGetValue(cell, out var list))
        {
            _cells[cell] = list = [];
        }

        list.Add(_vertices.Count - 1);
        return _vertices.Count - 1;
    }

    private (long, long, long) Cell(Vector3D p) =>
        ((long)Math.Floor(p.X / tolerance), (long)Math.Floor(p.Y / tolerance), (long)Math.Floor(p.Z / tolerance));
}
