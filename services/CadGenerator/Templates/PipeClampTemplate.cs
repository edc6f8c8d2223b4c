namespace Platform.CadGenerator.Templates;

public static class PipeClampTemplate
{
    public static CadTemplate Create() => new(
        "pipe_clamp",
        "Pipe clamp",
        "A saddle clamp: a half ring that holds a pipe against a surface, with a screw flange on either side.",
        [
            new("pipe_diameter", ParameterUnit.Mm, 4, 150, 25, "Outside diameter of the pipe."),
            new("wall", ParameterUnit.Mm, 1.5, 10, 3, "Thickness of the ring and the flanges."),
            new("width", ParameterUnit.Mm, 5, 60, 15, "Width along the pipe (Y)."),
            new("flange_length", ParameterUnit.Mm, 6, 40, 12, "Length of each flange beyond the ring."),
            new("hole_diameter", ParameterUnit.Mm, 2, 12, 4.5, "Diameter of the screw hole in each flange."),
        ],
        [
            new("hole_diameter", "must leave at least 1 mm of flange around the hole (hole_diameter <= flange_length - 2)",
                p => p["hole_diameter"] <= p["flange_length"] - 2),
            new("hole_diameter", "must leave at least 1 mm either side across the width (hole_diameter <= width - 2)",
                p => p["hole_diameter"] <= p["width"] - 2),
        ],
        ScadSources.Load("pipe_clamp.scad"),
        p => new(2 * (p["pipe_diameter"] / 2 + p["wall"] + p["flange_length"]), p["width"], p["pipe_diameter"] / 2 + p["wall"]));
}
