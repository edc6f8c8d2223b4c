namespace Platform.CadGenerator.Templates;

public static class LBracketTemplate
{
    public static CadTemplate Create() => new(
        "l_bracket",
        "L-bracket with holes",
        "A right-angle bracket: two legs of the same width meeting at the bend, each with a row of through-holes for screws.",
        [
            new("width", ParameterUnit.Mm, 8, 200, 30, "Width of both legs (along the bend)."),
            new("leg_a", ParameterUnit.Mm, 10, 300, 40, "Length of the horizontal leg, from the outside of the bend."),
            new("leg_b", ParameterUnit.Mm, 10, 300, 40, "Height of the vertical leg, from the outside of the bend."),
            new("thickness", ParameterUnit.Mm, 1.5, 20, 4, "Thickness of both legs."),
            new("hole_diameter", ParameterUnit.Mm, 1, 30, 5, "Diameter of the screw holes."),
            new("holes_per_leg", ParameterUnit.Count, 0, 10, 2, "Holes in each leg, spaced evenly along its centre line."),
        ],
        [
            new("hole_diameter", "must leave at least 1 mm of material either side across the width",
                p => p["hole_diameter"] <= p["width"] - 2),
            new("holes_per_leg", "holes (plus 1 mm between them) must fit along the horizontal leg beyond the bend",
                p => p["holes_per_leg"] == 0 || (p["leg_a"] - p["thickness"]) / p["holes_per_leg"] >= p["hole_diameter"] + 1),
            new("holes_per_leg", "holes (plus 1 mm between them) must fit along the vertical leg beyond the bend",
                p => p["holes_per_leg"] == 0 || (p["leg_b"] - p["thickness"]) / p["holes_per_leg"] >= p["hole_diameter"] + 1),
            new("thickness", "must be less than each leg's length",
                p => p["thickness"] < p["leg_a"] && p["thickness"] < p["leg_b"]),
        ],
        ScadSources.Load("l_bracket.scad"),
        p => new(p["leg_a"], p["width"], p["leg_b"]));
}
