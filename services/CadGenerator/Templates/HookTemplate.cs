namespace Platform.CadGenerator.Templates;

public static class HookTemplate
{
    public static CadTemplate Create() => new(
        "hook",
        "Wall hook",
        "A back plate with screw holes, an arm reaching out from its bottom and a lip at the arm's end.",
        [
            new("width", ParameterUnit.Mm, 8, 80, 20, "Width of plate, arm and lip (X)."),
            new("height", ParameterUnit.Mm, 20, 200, 60, "Height of the back plate (Z)."),
            new("depth", ParameterUnit.Mm, 15, 150, 40, "How far the hook reaches from the wall, lip included (Y)."),
            new("thickness", ParameterUnit.Mm, 2, 15, 5, "Thickness of plate, arm and lip."),
            new("lip_height", ParameterUnit.Mm, 2, 80, 12, "Height of the lip above the arm."),
            new("hole_diameter", ParameterUnit.Mm, 2, 10, 4.5, "Diameter of the screw holes."),
            new("holes", ParameterUnit.Count, 0, 4, 2, "Screw holes in the back plate, above the arm."),
        ],
        [
            new("lip_height", "the lip must not be taller than the back plate (thickness + lip_height <= height)",
                p => p["thickness"] + p["lip_height"] <= p["height"]),
            new("depth", "must leave a gap of at least 5 mm between plate and lip (depth >= 2 * thickness + 5)",
                p => p["depth"] >= 2 * p["thickness"] + 5),
            new("hole_diameter", "must leave at least 1 mm either side (hole_diameter <= width - 2)",
                p => p["hole_diameter"] <= p["width"] - 2),
            new("holes", "holes (plus 2 mm between them) must fit in the plate above the arm",
                p => p["holes"] == 0 || (p["height"] - p["thickness"]) / p["holes"] >= p["hole_diameter"] + 2),
        ],
        ScadSources.Load("hook.scad"),
        p => new(p["width"], p["depth"], p["height"]));
}
