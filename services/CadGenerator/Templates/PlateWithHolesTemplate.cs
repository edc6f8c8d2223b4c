namespace Platform.CadGenerator.Templates;

public static class PlateWithHolesTemplate
{
    public static CadTemplate Create() => new(
        "plate_with_holes",
        "Plate with a hole pattern",
        "A flat plate, optionally with rounded corners, with a grid of through-holes whose centres keep a margin from the edges.",
        [
            new("length", ParameterUnit.Mm, 5, 300, 80, "Length (X)."),
            new("width", ParameterUnit.Mm, 5, 300, 50, "Width (Y)."),
            new("thickness", ParameterUnit.Mm, 0.8, 30, 3, "Thickness (Z)."),
            new("hole_diameter", ParameterUnit.Mm, 0.5, 50, 4, "Diameter of every hole."),
            new("holes_x", ParameterUnit.Count, 1, 30, 2, "Holes along the length."),
            new("holes_y", ParameterUnit.Count, 1, 30, 2, "Holes along the width."),
            new("margin", ParameterUnit.Mm, 1, 150, 6, "Distance from the plate's edges to the outer hole centres."),
            new("corner_radius", ParameterUnit.Mm, 0, 50, 3, "Radius of the rounded corners; 0 for square corners."),
        ],
        [
            new("margin", "must leave room for the holes: 2 * margin < length and 2 * margin < width",
                p => 2 * p["margin"] < p["length"] && 2 * p["margin"] < p["width"]),
            new("hole_diameter", "must leave at least 0.5 mm between the holes and the edges (hole_diameter / 2 + 0.5 <= margin)",
                p => p["hole_diameter"] / 2 + 0.5 <= p["margin"]),
            new("holes_x", "holes along the length must be at least 0.5 mm apart",
                p => p["holes_x"] == 1 || (p["length"] - 2 * p["margin"]) / (p["holes_x"] - 1) >= p["hole_diameter"] + 0.5),
            new("holes_y", "holes along the width must be at least 0.5 mm apart",
                p => p["holes_y"] == 1 || (p["width"] - 2 * p["margin"]) / (p["holes_y"] - 1) >= p["hole_diameter"] + 0.5),
            new("corner_radius", "must be less than half the length and half the width",
                p => 2 * p["corner_radius"] < p["length"] && 2 * p["corner_radius"] < p["width"]),
        ],
        ScadSources.Load("plate_with_holes.scad"),
        p => new(p["length"], p["width"], p["thickness"]));
}
