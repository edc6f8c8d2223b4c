namespace Platform.CadGenerator.Templates;

public static class StandoffTemplate
{
    public static CadTemplate Create() => new(
        "standoff",
        "Standoff / spacer",
        "A round spacer with a through-hole for a screw, its outer edges chamfered; for mounting boards at a distance.",
        [
            new("outer_diameter", ParameterUnit.Mm, 3, 50, 8, "Outside diameter."),
            new("height", ParameterUnit.Mm, 1, 150, 10, "Height (the distance it holds)."),
            new("hole_diameter", ParameterUnit.Mm, 0.5, 40, 3.2, "Diameter of the through-hole (3.2 clears an M3 screw)."),
            new("chamfer", ParameterUnit.Mm, 0, 5, 0.5, "Chamfer on the outer top and bottom edges; 0 for none."),
        ],
        [
            new("hole_diameter", "must leave a wall of at least 1 mm (hole_diameter <= outer_diameter - 2)",
                p => p["hole_diameter"] <= p["outer_diameter"] - 2),
            new("chamfer", "must be smaller than the wall (outer_diameter - hole_diameter) / 2",
                p => p["chamfer"] < (p["outer_diameter"] - p["hole_diameter"]) / 2),
            new("chamfer", "must be less than half the height",
                p => p["chamfer"] * 2 < p["height"]),
        ],
        ScadSources.Load("standoff.scad"),
        p => new(p["outer_diameter"], p["outer_diameter"], p["height"]));
}
