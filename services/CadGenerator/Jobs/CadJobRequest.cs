using System.Text.Json;
using Platform.CadGenerator.Design;
using Platform.CadGenerator.Templates;

namespace Platform.CadGenerator.Jobs;

/// <summary>
/// The checks a job request passes before anything is stored, the same for the HTTP API and the bus
/// (SubmitCadJob): a prompt or a template, not both; a prompt of 1 to 2000 characters; a known template
/// whose parameters are in range. Errors name the field.
/// </summary>
public static class CadJobRequest
{
    /// <summary>
    /// Checks the request; returns the parameters to store for a template job (only what was given: the producer
    /// resolves them again, so defaults stay the template's), an empty map for a prompt job, or null when an error was added.
    /// </summary>
    public static IReadOnlyDictionary<string, double>? Validate(
        string? prompt, string? templateId, IReadOnlyDictionary<string, JsonElement>? parameters, TemplateLibrary library, Action<string, string> error)
    {
        if ((prompt is null) == (templateId is null))
        {
            error("prompt", "give either a prompt or a template (with optional parameters), not both or neither");
            return null;
        }

        if (prompt is not null)
        {
            var valid = true;
            if (string.IsNullOrWhiteSpace(prompt) || prompt.Length > PromptParser.MaxPromptLength)
            {
                error("prompt", $"must be 1 to {PromptParser.MaxPromptLength} characters, not blank");
                valid = false;
            }

            if (parameters is not null)
            {
                error("parameters", "only go with a template; a prompt carries its own dimensions");
                valid = false;
            }

            return valid ? new Dictionary<string, double>() : null;
        }

        if (library.Find(templateId!) is not { } template)
        {
            error("template", $"'{templateId}' is not a template; GET /v1/cad/templates lists them");
            return null;
        }

        var failed = false;
        ParameterResolver.Resolve(template, parameters, "parameters.", (field, message) =>
        {
            failed = true;
            error(field, message);
        });
        return failed ? null : parameters?.ToDictionary(p => p.Key, p => p.Value.GetDouble()) ?? [];
    }

    /// <summary>An idempotency key: 1 to 255 visible ASCII characters.</summary>
    public static bool IsValidKey(string key) =>
        key.Length is >= 1 and <= CadJobSubmissions.MaxKeyLength && key.All(c => c is >= '!' and <= '~');
}
