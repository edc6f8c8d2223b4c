namespace Platform.CadGenerator.Tests;

/// <summary>Runs the real openscad binary. A missing binary fails the test: these tests exist to prove the templates render.</summary>
internal static class OpenScad
{
    public static string Locate()
    {
        var configured = Environment.GetEnvironmentVariable("OPENSCAD");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? configured
                : throw new InvalidOperationException($"OPENSCAD is set to '{configured}', which does not exist.");
        }

        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "openscad"))
            .Prepend("/usr/bin/openscad");
        return candidates.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            "openscad was not found (looked at /usr/bin/openscad and on PATH). Install OpenSCAD (apt-get install openscad) " +
            "or set OPENSCAD to the binary: the template rendering tests need the real renderer and do not skip.");
    }
}
