using Platform.CadGenerator.Geometry;
using Platform.CadGenerator.Rendering;

namespace Platform.CadGenerator.Tests;

/// <summary>
/// Hostile programs run in the real sandbox as if the static check had missed them: whatever they
/// try, they see no host files, are stopped by the time and memory limits, and the renderer keeps working.
/// </summary>
public sealed class SandboxTests : IDisposable
{
    private readonly SandboxedOpenScad _renderer = Sandbox.Create(timeoutSeconds: 5, memoryLimitMb: 512, maxConcurrency: 2);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cad-sandbox-");
    private readonly string _secret = Path.Combine(Path.GetTempPath(), "cad-secret-" + Guid.NewGuid().ToString("N") + ".scad");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public SandboxTests() => File.WriteAllText(_secret, "// TOPSECRET-7f3a\ncube([91, 92, 93]);\n");

    [Fact]
    public async Task Host_files_are_invisible_to_import_include_use_and_surface()
    {
        var secretLiteral = _secret.Replace("\\", "/");
        string[] programs =
        [
            "import(\"/etc/passwd\");",
            $"include <{secretLiteral}>",
            $"use <{secretLiteral}>\ncube(1);",
            $"import(\"{secretLiteral}\");",
            "surface(file = \"/etc/hostname\");",
            "import(\"../../../../etc/passwd\");",
            "echo(str(\"x\", import(\"/etc/shadow\")));",
        ];

        foreach (var program in programs)
        {
            var result = await RenderAsync(program);
            Assert.DoesNotContain("root:", result.Log, StringComparison.Ordinal);
            Assert.DoesNotContain("TOPSECRET", result.Log, StringComparison.Ordinal);
            if (result.Succeeded)
            {
                // Whatever was rendered is not the host file's model.
                var report = MeshValidator.Validate(StlReader.Read(result.StlPath), null);
                Assert.NotEqual(new[] { 91.0, 92.0, 93.0 }, report.BoundingBoxSize);
            }
        }

        await Assert_still_renders();
    }

    [Fact]
    public async Task The_job_folder_is_the_only_writable_place()
    {
        // The renderer writes only its fixed output next to the source; nothing else appears in the job folder.
        var result = await RenderAsync("echo(version()); cube(2);");
        Assert.True(result.Succeeded, result.Failure);
        Assert.Equal(new[] { "model.scad", "model.stl" }, Directory.GetFiles(Path.GetDirectoryName(result.StlPath)!).Select(Path.GetFileName).Order().ToArray());
    }

    [Fact]
    public async Task Dev_zero_huge_fn_and_runaway_recursion_are_stopped()
    {
        var surface = await RenderAsync("surface(file = \"/dev/zero\");");
        Assert.False(surface.Succeeded);

        var fn = await RenderAsync("sphere(r = 10, $fn = 1e6);");
        Assert.False(fn.Succeeded);
        Assert.Contains(fn.Outcome, new[] { RenderOutcome.TimedOut, RenderOutcome.Failed });

        var recursion = await RenderAsync("function f(n) = f(n + 1) + 1;\necho(f(0));\ncube(1);");
        // OpenSCAD stops runaway recursion itself; under --hardwarnings that fails the render.
        Assert.False(recursion.Succeeded);

        var loop = await RenderAsync("for (i = [0 : 1e9]) translate([i, 0, 0]) cube(0.5);");
        Assert.False(loop.Succeeded);

        await Assert_still_renders();
    }

    [Fact]
    public async Task Renders_past_the_time_limit_are_killed_in_time()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // A billion loop steps that keep nothing: CPU only, so the time limit and not the memory limit stops it
        // (a heavy union of spheres hit the memory limit first on a fast, quiet machine).
        var result = await RenderAsync("echo(len([for (i = [0 : 99999], j = [0 : 9999]) if (i < 0) i]));\ncube(1);");
        Assert.Equal(RenderOutcome.TimedOut, result.Outcome);
        Assert.InRange(watch.Elapsed.TotalSeconds, 4, 12);
        Assert.Contains("did not finish within 5 s", result.Failure, StringComparison.Ordinal);
        await Assert_still_renders();
    }

    private async Task Assert_still_renders()
    {
        var ok = await RenderAsync("cube([10, 20, 3]);");
        Assert.True(ok.Succeeded, ok.Failure);
        var report = MeshValidator.Validate(StlReader.Read(ok.StlPath), new ExpectedShape(10, 20, 3));
        Assert.True(report.Passed);
    }

    private Task<RenderResult> RenderAsync(string scad) =>
        _renderer.RenderAsync(scad, Path.Combine(_root.FullName, Guid.NewGuid().ToString("N")), Cancel);

    public void Dispose()
    {
        _renderer.Dispose();
        _root.Delete(recursive: true);
        File.Delete(_secret);
    }
}
