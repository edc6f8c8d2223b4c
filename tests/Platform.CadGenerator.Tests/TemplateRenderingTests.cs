using Platform.CadGenerator.Templates;

namespace Platform.CadGenerator.Tests;

public sealed class TemplateRenderingTests
{
    public static TheoryData<string> TemplateIds => [.. TemplateLibrary.Default.Templates.Select(t => t.Id)];

    [Theory]
    [MemberData(nameof(TemplateIds))]
    public async Task Defaults_render_to_a_non_empty_binary_stl(string templateId)
    {
        var template = TemplateLibrary.Default.Find(templateId)!;
        var resolved = ParameterResolver.Resolve(template, new Dictionary<string, System.Text.Json.JsonElement>(), "", (field, message) =>
            Assert.Fail($"The defaults of {templateId} are invalid: {field} {message}"));
        Assert.NotNull(resolved);

        var directory = Directory.CreateTempSubdirectory("cad-" + templateId + "-");
        try
        {
            var (exitCode, stl, output) = await OpenScad.RenderAsync(ScadWriter.Write(resolved), directory.FullName, TestContext.Current.CancellationToken);

            Assert.True(exitCode == 0, $"openscad exited with {exitCode}:\n{output}");
            Assert.True(File.Exists(stl), $"openscad wrote no STL:\n{output}");
            Assert.True(OpenScad.ReadBinaryStlTriangleCount(stl) > 0, $"The STL of {templateId} has no triangles.");
            Assert.DoesNotContain("WARNING", output, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
