using System.Text.Json;
using Platform.CadGenerator.Geometry;
using Platform.CadGenerator.Templates;

namespace Platform.CadGenerator.Design;

/// <summary>
/// Turns an LLM's answer into a <see cref="CadDesign"/>, trusting none of it: a template answer is
/// resolved against the template's ranges and rules like any caller's parameters; a whole program
/// must pass <see cref="ScadStaticChecker"/> and declare a plausible size, which validation then
/// holds the mesh to. Anything else is refused with a reason that says what was wrong.
/// </summary>
public static class LlmDesignReader
{
    public const double MaxSize = 1000;
    public const int MaxParts = 20;

    public sealed record Outcome(CadDesign? Design, string? Error);

    public static Outcome Read(string answer, TemplateLibrary library)
    {
        if (ExtractObject(answer) is not { } json)
        {
            return Refused("the answer holds no JSON object");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            root = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            return Refused("the answer is not valid JSON (" + exception.Message + ")");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return Refused("the answer is not a JSON object");
        }

        var hasTemplate = root.TryGetProperty("template", out var template) && template.ValueKind != JsonValueKind.Null;
        var hasScad = root.TryGetProperty("scad", out var scad) && scad.ValueKind != JsonValueKind.Null;
        return (hasTemplate, hasScad) switch
        {
            (true, false) => ReadTemplate(root, template, library),
            (false, true) => ReadProgram(root, scad),
            _ => Refused("the answer must have either \"template\" or \"scad\""),
        };
    }

    private static Outcome ReadTemplate(JsonElement root, JsonElement id, TemplateLibrary library)
    {
        if (id.ValueKind != JsonValueKind.String || library.Find(id.GetString()!) is not { } template)
        {
            return Refused($"\"template\" {Quote(id)} is not in the library");
        }

        Dictionary<string, JsonElement>? values = null;
        if (root.TryGetProperty("parameters", out var parameters) && parameters.ValueKind != JsonValueKind.Null)
        {
            if (parameters.ValueKind != JsonValueKind.Object)
            {
                return Refused("\"parameters\" must be an object of numbers");
            }

            values = parameters.EnumerateObject().GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.Last().Value);
        }

        var errors = new List<string>();
        var resolved = ParameterResolver.Resolve(template, values, "parameters.", (field, message) => errors.Add($"{field} {message}"));
        return resolved is null
            ? Refused($"its parameters for {template.Id} are not valid: {string.Join("; ", errors)}")
            : new Outcome(new CadDesign(template.Id, resolved.ToDictionary(), ScadWriter.Write(resolved), template.ExpectedShape(resolved)), null);
    }

    private static Outcome ReadProgram(JsonElement root, JsonElement scad)
    {
        if (scad.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(scad.GetString()))
        {
            return Refused("\"scad\" must be a non-empty string");
        }

        var source = scad.GetString()!;
        var issues = ScadStaticChecker.Check(source);
        if (issues.Count > 0)
        {
            return new Outcome(null, "The LLM's OpenSCAD program was refused by the static check: "
                + string.Join("; ", issues.Select(i => $"line {i.Line} {i.Rule}: {i.Message}")));
        }

        if (!root.TryGetProperty("size", out var size) || size.ValueKind != JsonValueKind.Array || size.GetArrayLength() != 3
            || size.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || !(d > 0 && d <= MaxSize)))
        {
            return Refused($"\"size\" must be three numbers above 0 and at most {MaxSize} mm (the bounding box the mesh is checked against)");
        }

        var parts = 1;
        if (root.TryGetProperty("parts", out var partsElement) && partsElement.ValueKind != JsonValueKind.Null
            && (!partsElement.TryGetInt32(out parts) || parts < 1 || parts > MaxParts))
        {
            return Refused($"\"parts\" must be a whole number from 1 to {MaxParts}");
        }

        var xyz = size.EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var program = "// Written by an LLM; passed the static check.\n" + (source.EndsWith('\n') ? source : source + "\n");
        return new Outcome(new CadDesign(CadDesign.CustomTemplateId, new Dictionary<string, double>(), program,
            new ExpectedShape(xyz[0], xyz[1], xyz[2], parts)), null);
    }

    /// <summary>The outermost {...} of the answer: models often wrap JSON in a code fence or a sentence.</summary>
    private static string? ExtractObject(string answer)
    {
        var start = answer.IndexOf('{');
        var end = answer.LastIndexOf('}');
        return start >= 0 && end > start ? answer[start..(end + 1)] : null;
    }

    private static string Quote(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length > 60 ? text[..60] + "..." : text;
    }

    private static Outcome Refused(string why) => new(null, "The LLM's answer was refused: " + why + ".");
}
