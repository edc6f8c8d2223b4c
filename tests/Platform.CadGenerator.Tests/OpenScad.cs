using System.Diagnostics;

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

    /// <summary>Renders <paramref name="scad"/> to a binary STL; returns the exit code, the STL path and everything openscad printed.</summary>
    public static async Task<(int ExitCode, string StlPath, string Output)> RenderAsync(string scad, string directory, CancellationToken cancellationToken)
    {
        var source = Path.Combine(directory, "model.scad");
        var stl = Path.Combine(directory, "model.stl");
        await File.WriteAllTextAsync(source, scad, cancellationToken);

        var start = new ProcessStartInfo(Locate())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add("-o");
        start.ArgumentList.Add(stl);
        start.ArgumentList.Add("--export-format");
        start.ArgumentList.Add("binstl");
        start.ArgumentList.Add(source);
        // Headless: with a DISPLAY set, openscad may try to reach an X server.
        start.Environment.Remove("DISPLAY");

        using var process = Process.Start(start) ?? throw new InvalidOperationException("openscad did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("openscad did not finish within 2 minutes.");
        }

        return (process.ExitCode, stl, await stdout + await stderr);
    }

    /// <summary>The triangle count from a binary STL's header, after checking the file is exactly that long.</summary>
    public static uint ReadBinaryStlTriangleCount(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length >= 84, $"{path} has {bytes.Length} bytes; a binary STL has at least 84.");
        var triangles = BitConverter.ToUInt32(bytes, 80);
        Assert.Equal(84L + 50L * triangles, bytes.Length);
        return triangles;
    }
}
