using System.Globalization;
using System.Text;
using Platform.CadGenerator.Templates;
using Platform.Contracts.Inference;

namespace Platform.CadGenerator.Design;

/// <summary>
/// The conversation sent to the LLM for a prompt job: a system message that lists the template
/// library (ids, parameters with units, ranges and defaults) and the two answers accepted (a template
/// with parameters, or a whole OpenSCAD program with its size, under the static checker's rules),
/// then the user's prompt, untouched, as the user message.
/// </summary>
public static class LlmDesignPrompt
{
    public static IReadOnlyList<GenerateMessage> Build(TemplateLibrary library, string prompt) =>
        [new("system", SystemMessage(library)), new("user", prompt)];

    private static string SystemMessage(TemplateLibrary library)
    {
        var text = new StringBuilder();
        text.Append("""
            You design 3D-printable parts. Sizes are millimetres. Answer with ONE JSON object and nothing else, in one of two forms.
            1. A template from the library below with its parameters (omitted ones take their defaults):
               {"template": "<id>", "parameters": {"<name>": <number>, ...}}
            2. Only when no template fits, a complete OpenSCAD program and the bounding box it prints, and how many separate parts:
               {"scad": "<program>", "size": [<x>, <y>, <z>], "parts": 1}
               The program must not use include, use, import or surface, nor name any file; $fn at most 128; no recursive
               functions or modules; loop ranges of at most 2000 steps. Programs that break these rules are refused.

            Templates:

            """);
        foreach (var template in library.Templates)
        {
            text.Append("- ").Append(template.Id).Append(": ").Append(template.Description).Append('\n');
            foreach (var p in template.Parameters)
            {
                var unit = p.Unit switch { ParameterUnit.Mm => "mm", ParameterUnit.Count => "whole number", _ => "degrees" };
                text.Append(CultureInfo.InvariantCulture,
                    $"    {p.Name} ({unit}, {ParameterResolver.Format(p.Min)} to {ParameterResolver.Format(p.Max)}, default {ParameterResolver.Format(p.Default)}): {p.Description}\n");
            }

            foreach (var rule in template.Rules)
            {
                text.Append("    rule: ").Append(rule.Field).Append(' ').Append(rule.Message).Append('\n');
            }
        }

        return text.ToString();
    }
}
