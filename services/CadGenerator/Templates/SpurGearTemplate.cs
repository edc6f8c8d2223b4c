using Platform.CadGenerator.Geometry;

namespace Platform.CadGenerator.Templates;

public static class SpurGearTemplate
{
    public static CadTemplate Create() => new(
        "spur_gear",
        "Involute spur gear",
        "A spur gear with true involute teeth (standard addendum and dedendum) and an optional bore; two gears mesh when their module and pressure angle match.",
        [
            new("gear_module", ParameterUnit.Mm, 0.5, 6, 2, "Module: pitch diameter per tooth (the tooth size)."),
            new("teeth", ParameterUnit.Count, 8, 120, 20, "Number of teeth."),
            new("thickness", ParameterUnit.Mm, 1, 60, 6, "Face width (Z)."),
            new("bore_diameter", ParameterUnit.Mm, 0, 80, 5, "Diameter of the centre hole; 0 for none."),
            new("pressure_angle", ParameterUnit.Deg, 14.5, 25, 20, "Pressure angle (20 is the common standard)."),
        ],
        [
            new("bore_diameter", "must leave at least 1 mm of material below the teeth (bore_diameter <= root diameter - 2)",
                p => p["bore_diameter"] <= p["gear_module"] * (p["teeth"] - 2.5) - 2),
            new("teeth", "gear is too large: module * (teeth + 2) must be at most 300 mm",
                p => p["gear_module"] * (p["teeth"] + 2) <= 300),
        ],
        ScadSources.Load("spur_gear.scad"),
        Shape);

    /// <summary>The outline's extent, from the same tooth points the .scad draws (the tips decide it; rotated teeth shrink it).</summary>
    private static ExpectedShape Shape(IReadOnlyDictionary<string, double> p)
    {
        double module = p["gear_module"], teeth = p["teeth"], alpha = p["pressure_angle"] * Math.PI / 180;
        var pitch = module * teeth / 2;
        var baseRadius = pitch * Math.Cos(alpha);
        var tip = pitch + module;
        var halfTip = Math.PI / (2 * teeth) + Involute(alpha) - Involute(Math.Acos(Math.Min(1, baseRadius / tip)));
        double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue;
        for (var i = 0; i < teeth; i++)
        {
            var centre = 2 * Math.PI * i / teeth;
            foreach (var angle in new[] { centre - halfTip, centre, centre + halfTip })
            {
                double x = tip * Math.Cos(angle), y = tip * Math.Sin(angle);
                (minX, maxX, minY, maxY) = (Math.Min(minX, x), Math.Max(maxX, x), Math.Min(minY, y), Math.Max(maxY, y));
            }
        }

        return new(maxX - minX, maxY - minY, p["thickness"]);
    }

    private static double Involute(double angle) => Math.Tan(angle) - angle;
}
