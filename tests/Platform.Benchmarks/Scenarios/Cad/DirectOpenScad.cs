using System.Diagnostics;

namespace Platform.Benchmarks.Scenarios.Cad;

/// <summary>
/// The baseline: the openscad command run directly on the same .scad the platform rendered, with
/// the same output options (binary STL, hard warnings), in a fresh folder per render, and the STL
/// read back, but no sandbox, API, saga, ledger or mesh validation.
/// Each render runs in its own session (setsid), as the sandbox's does (bubblewrap --new-session):
/// with the kernel's autogroup scheduling (on here), a session is a scheduling group, so on a shared,
/// loaded machine renders in one common session would get far less CPU than the platform's and
/// flatter the platform (measured: ~1.7x at concurrency 4 before this).
/// </summary>
public sealed class DirectOpenScad(string openScadPath, string scad) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("bench-cad-direct-").FullName;

    private const string SetsidPath = "/usr/bin/setsid";

    public static bool IsInstalled(string path) => File.Exists(path) && File.Exists(SetsidPath);

    /// <summary>Renders once; returns the STL's length in bytes.</summary>
    public async Task<long> RenderAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(_root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var source = Path.Combine(folder, "model.scad");
        var stl = Path.Combine(folder, "model.stl");
        await File.WriteAllTextAsync(source, scad, cancellationToken);

        var start = new ProcessStartInfo(SetsidPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        // Headless export needs no display (and OpenSCAD 2021 tries one when DISPLAY is set).
        start.Environment.Remove("DISPLAY");
        foreach (var argument in new[] { "--wait", openScadPath, "--hardwarnings", "-o", stl, "--export-format", "binstl", source })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("setsid openscad did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await Task.WhenAll(output, errors);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openscad failed (exit {process.ExitCode}): {await errors}");
        }

        var bytes = await File.ReadAllBytesAsync(stl, cancellationToken);
        Directory.Delete(folder, recursive: true);
        return bytes.Length;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A render cancelled mid-write; it is a temp folder.
        }
    }
}
