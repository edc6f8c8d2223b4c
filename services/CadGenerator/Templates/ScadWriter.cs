using System.Text;

namespace Platform.CadGenerator.Templates;

/// <summary>
/// Writes the OpenSCAD program for a resolved parameter set: one <c>name = value;</c> line per
/// parameter (numbers in invariant format, whatever the server's culture), then the template's source.
/// </summary>
public static class ScadWriter
{
    public static string Write(ResolvedParameters parameters)
    {
        var template = parameters.Template;
        var scad = new StringBuilder();
        scad.Append("// ").Append(template.Name).Append(" (template ").Append(template.Id).Append(")\n");
        scad.Append("// Parameters: millimetres unless noted.\n");
        foreach (var (name, value) in parameters.Values)
        {
            var unit = template.FindParameter(name)!.Unit;
            var text = unit == ParameterUnit.Count ? ((long)value).ToString(System.Globalization.CultureInfo.InvariantCulture) : ParameterResolver.Format(value);
            scad.Append(name).Append(" = ").Append(text).Append(';');
            if (unit != ParameterUnit.Mm)
            {
                scad.Append(" // ").Append(unit == ParameterUnit.Count ? "count" : "degrees");
            }

            scad.Append('\n');
        }

        scad.Append('\n').Append(template.ScadBody);
        if (!template.ScadBody.EndsWith('\n'))
        {
            scad.Append('\n');
        }

        return scad.ToString();
    }
}
