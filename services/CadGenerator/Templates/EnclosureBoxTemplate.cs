namespace Platform.CadGenerator.Templates;

public static class EnclosureBoxTemplate
{
    public static CadTemplate Create() => new(
        "enclosure_box",
        "Enclosure box with lid",
        "An open rectangular box sized by its inside, and a lid whose lip fits inside the box, printed side by side.",
        [
            new("inner_length", ParameterUnit.Mm, 10, 250, 60, "Inside length (X)."),
            new("inner_width", ParameterUnit.Mm, 10, 250, 40, "Inside width (Y)."),
            new("inner_height", ParameterUnit.Mm, 5, 200, 25, "Inside height, from the floor to the rim."),
            new("wall", ParameterUnit.Mm, 0.8, 10, 2, "Wall thickness of the box and of the lid's lip."),
            new("floor_thickness", ParameterUnit.Mm, 0.8, 10, 2, "Thickness of the box's floor."),
            new("lid_thickness", ParameterUnit.Mm, 0.8, 10, 2, "Thickness of the lid plate."),
            new("lip_height", ParameterUnit.Mm, 1, 30, 3, "How far the lid's lip reaches into the box."),
            new("lid_clearance", ParameterUnit.Mm, 0, 2, 0.3, "Gap between the lip and the box's inside walls, per side."),
        ],
        [
            new("wall", "the lid's lip must stay hollow: inner_length and inner_width must exceed 2 * (wall + lid_clearance) + 1",
                p => p["inner_length"] - 2 * (p["wall"] + p["lid_clearance"]) >= 1 &&
                     p["inner_width"] - 2 * (p["wall"] + p["lid_clearance"]) >= 1),
            new("lip_height", "must not be deeper than the box's inside height",
                p => p["lip_height"] <= p["inner_height"]),
        ],
        ScadSources.Load("enclosure_box.scad"),
        p => new(
            p["inner_length"] + 2 * p["wall"],
            2 * (p["inner_width"] + 2 * p["wall"]) + 5, // box and lid side by side, 5 mm apart
            Math.Max(p["floor_thickness"] + p["inner_height"], p["lid_thickness"] + p["lip_height"]),
            Components: 2));
}
