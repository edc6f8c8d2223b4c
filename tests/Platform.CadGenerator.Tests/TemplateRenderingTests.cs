using Platform.CadGenerator.Geometry;
using Platform.CadGenerator.Rendering;
using Platform.CadGenerator.Templates;

namespace Platform.CadGenerator.Tests;

/// <summary>
/// Every template, rendered in the sandbox with its defaults and with each parameter at its minimum
/// and at its maximum (the others at their defaults; a combination the template's rules refuse is
/// not a part anyone can order, so it is not rendered), must give a valid mesh of the promised size.
/// </summary>
public sealed class TemplateRenderingTests : IDisposable
{
    private readonly SandboxedOpenScad _renderer = Sandbox.Create(timeoutSeconds: 120);
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("cad-templates-");

    public static TheoryData<string> TemplateIds => [.. TemplateLibrary.Default.Templates.Select(t => t.Id)];

    [Theory]
    [MemberData(nameof(TemplateIds))]
    public async Task Defaults_and_edge_parameters_render_to_valid_meshes(string templateId)
    {
        var template = TemplateLibrary.Default.Find(templateId)!;
        var cases = new List<(string Name, ResolvedParameters Parameters)>();
        var defaults = ParameterResolver.Resolve(template, new Dictionary<string, double>(), "", (f, m) => Assert.Fail($"defaults: {f} {m}"));
        cases.Add(("defaults", defaults!));
        foreach (var parameter in template.Parameters)
        {
            foreach (var (label, value) in new[] { ("min", parameter.Min), ("max", parameter.Max) })
            {
                var resolved = ParameterResolver.Resolve(template, new Dictionary<string, double> { [parameter.Name] = value }, "", (_, _) => { });
                if (resolved is not null)
                {
                    cases.Add(($"{parameter.Name}={label}", resolved));
                }
            }
        }

        // The renderer's own slots bound how many run at once.
        var results = await Task.WhenAll(cases.Select(c => RenderAndValidateAsync(template, c.Name, c.Parameters)));
        var failures = results.Where(r => r is not null).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(cases.Count >= 1 + template.Parameters.Count, $"{templateId}: only {cases.Count} cases were renderable; edges should mostly be.");
    }

    private async Task<string?> RenderAndValidateAsync(CadTemplate template, string name, ResolvedParameters parameters)
    {
        var directory = Path.Combine(_root.FullName, template.Id + "-" + name.Replace('=', '-'));
        var result = await _renderer.RenderAsync(ScadWriter.Write(parameters), directory, TestContext.Current.CancellationToken);
        if (!result.Succeeded)
        {
            return $"{template.Id} {name}: {result.Failure}";
        }

        if (result.Log.Contains("WARNING", StringComparison.Ordinal))
        {
            return $"{template.Id} {name}: warnings: {result.Log}";
        }

        var report = MeshValidator.Validate(StlReader.Read(result.StlPath), template.ExpectedShape(parameters));
        return report.Passed ? null : $"{template.Id} {name}: " + string.Join("; ", report.Failures.Select(f => f.Name + ": " + f.Detail));
    }

    public void Dispose()
    {
        _renderer.Dispose();
        _root.Delete(recursive: true);
    }
}
