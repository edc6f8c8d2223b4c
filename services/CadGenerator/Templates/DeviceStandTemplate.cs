namespace Platform.CadGenerator.Templates;

public static class DeviceStandTemplate
{
    public static CadTemplate Create() => new(
        "device_stand",
        "Phone / tablet stand",
        "A stand that holds a phone or tablet leaning back: base plate, front lip, a slot as wide as the device and a tilted backrest.",
        [
            new("width", ParameterUnit.Mm, 20, 250, 70, "Width across the device (Y)."),
            new("thickness", ParameterUnit.Mm, 2, 12, 4, "Thickness of base, lip and backrest."),
            new("device_thickness", ParameterUnit.Mm, 5, 30, 12, "Slot width: the device's thickness with its case."),
            new("lip_height", ParameterUnit.Mm, 3, 30, 8, "Height of the front lip above the base."),
            new("back_length", ParameterUnit.Mm, 30, 220, 90, "Length of the backrest."),
            new("angle", ParameterUnit.Deg, 5, 45, 20, "How far the backrest leans back from vertical."),
        ],
        [],
        ScadSources.Load("device_stand.scad"),
        Shape);

    private static Geometry.ExpectedShape Shape(IReadOnlyDictionary<string, double> p)
    {
        double angle = p["angle"] * Math.PI / 180, thickness = p["thickness"];
        var reach = thickness + p["device_thickness"] + p["back_length"] * Math.Sin(angle) + thickness * Math.Cos(angle);
        var height = Math.Max(p["back_length"] * Math.Cos(angle), thickness + p["lip_height"]);
        return new(reach, p["width"], height);
    }
}
