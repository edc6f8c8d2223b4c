namespace Platform.CadGenerator.Templates;

/// <summary>The templates' OpenSCAD sources, embedded from Templates/Scad/*.scad (logical name <c>scad/{file}</c>).</summary>
public static class ScadSources
{
    public static string Load(string fileName)
    {
        var resource = "scad/" + fileName;
        using var stream = typeof(ScadSources).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The OpenSCAD source '{resource}' is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
