using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.CadGenerator.Templates;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.CadGenerator.Api;

/// <summary>The parametric template library: what can be made, with which parameters, and its OpenSCAD source.</summary>
public static class TemplatesApi
{
    public sealed record TemplateView(
        string Id, string Name, string Description, IReadOnlyList<TemplateParameter> Parameters, IReadOnlyList<TemplateRuleView> Rules);

    public sealed record TemplateRuleView(string Field, string Message);

    public sealed record TemplateList(IReadOnlyList<TemplateView> Items);

    public sealed record ValidateRequest(Dictionary<string, JsonElement>? Parameters);

    public sealed record ValidatedParameters(string TemplateId, IReadOnlyDictionary<string, double> Parameters);

    public static void MapTemplatesApi(this RouteGroupBuilder api)
    {
        // Templates are global, but reading them is still an account's call, like every endpoint.
        var templates = api.MapGroup("/v1/cad/templates").WithTags("Templates").RequireAuthorization(PlatformPolicies.Account);

        templates.MapGet("/", ListTemplates);
        templates.MapGet("/{id}", GetTemplate);
        templates.MapPost("/{id}/validate", ValidateParameters);
        templates.MapGet("/{id}/scad", GetScad);
    }

    private static Ok<TemplateList> ListTemplates(TemplateLibrary library) =>
        TypedResults.Ok(new TemplateList([.. library.Templates.Select(ToView)]));

    private static Results<Ok<TemplateView>, ProblemHttpResult> GetTemplate(string id, TemplateLibrary library) =>
        library.Find(id) is { } template ? TypedResults.Ok(ToView(template)) : TemplateNotFound(id);

    private static Results<Ok<ValidatedParameters>, ValidationProblem, ProblemHttpResult> ValidateParameters(
        string id, ValidateRequest? request, TemplateLibrary library)
    {
        if (library.Find(id) is not { } template)
        {
            return TemplateNotFound(id);
        }

        var validator = new Validator();
        var resolved = ParameterResolver.Resolve(template, request?.Parameters, "parameters.", validator.Add);
        Count(template, resolved is not null);
        return resolved is null
            ? validator.ToProblem()
            : TypedResults.Ok(new ValidatedParameters(template.Id, resolved.Values.ToDictionary(v => v.Key, v => v.Value)));
    }

    private static Results<ContentHttpResult, ValidationProblem, ProblemHttpResult> GetScad(
        string id, HttpRequest request, TemplateLibrary library)
    {
        if (library.Find(id) is not { } template)
        {
            return TemplateNotFound(id);
        }

        var validator = new Validator();
        var query = request.Query.Select(q => new KeyValuePair<string, string?[]>(q.Key, q.Value.ToArray()));
        var resolved = ParameterResolver.Resolve(template, query, "", validator.Add);
        Count(template, resolved is not null);
        return resolved is null
            ? validator.ToProblem()
            : TypedResults.Text(ScadWriter.Write(resolved), "text/plain", System.Text.Encoding.UTF8);
    }

    private static ProblemHttpResult TemplateNotFound(string id) =>
        Problems.Status(StatusCodes.Status404NotFound, ProblemTypes.NotFound, "The template was not found.",
            $"No template '{id}' exists; GET /v1/cad/templates lists them.");

    private static void Count(CadTemplate template, bool valid) =>
        CadGeneratorTelemetry.ParameterSetsChecked.Add(1,
            new KeyValuePair<string, object?>("template", template.Id),
            new KeyValuePair<string, object?>("outcome", valid ? "valid" : "invalid"));

    private static TemplateView ToView(CadTemplate template) => new(
        template.Id,
        template.Name,
        template.Description,
        template.Parameters,
        [.. template.Rules.Select(r => new TemplateRuleView(r.Field, r.Message))]);
}
