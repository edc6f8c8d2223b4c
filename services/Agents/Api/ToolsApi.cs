using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Agents.Tools;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Agents.Api;

/// <summary>The account's tool registry: the built-ins plus the HTTP tools it declares.</summary>
public static class ToolsApi
{
    public sealed record CreateToolRequest(
        string? Name,
        string? Description,
        string? Method,
        string? UrlTemplate,
        JsonElement? ArgumentsSchema,
        int? TimeoutSeconds,
        ToolRisk? Risk);

    public sealed record ToolList(IReadOnlyList<ToolDefinition> Items, string? Next);

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static void MapToolsApi(this RouteGroupBuilder api)
    {
        var tools = api.MapGroup("/v1/tools").WithTags("Tools").RequireAuthorization(PlatformPolicies.Account);

        tools.MapPost("/", CreateTool);
        tools.MapGet("/", ListTools);
        tools.MapGet("/{name}", GetTool);
        tools.MapDelete("/{name}", DeleteTool);
    }

    private static async Task<Results<Created<ToolDefinition>, ValidationProblem, ProblemHttpResult>> CreateTool(
        CreateToolRequest request, ClaimsPrincipal user, ToolStore store, TimeProvider clock,
        ILogger<ToolStore> logger, CancellationToken cancellationToken)
    {
        // Checked before anything else: a schema this large is refused whatever else is wrong with it.
        if (request.ArgumentsSchema is { } rawSchema && System.Text.Encoding.UTF8.GetByteCount(rawSchema.GetRawText()) > ArgumentsSchema.MaxBytes)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge,
                "The arguments schema is too large.", $"argumentsSchema must be at most {ArgumentsSchema.MaxBytes} bytes of JSON.");
        }

        var validator = new Validator();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            validator.Add("name", "is required and must not be blank");
        }
        else if (!ToolNames.IsValid(name))
        {
            validator.Add("name", $"must be a lowercase identifier of at most {ToolNames.MaxLength} characters: letters, digits and '_', parts joined by '.', each starting with a letter");
        }
        else if (BuiltInTools.IsBuiltIn(name))
        {
            validator.Add("name", "is the name of a built-in tool");
        }

        validator.RequireText(request.Description, "description", 2000);

        var method = request.Method?.Trim().ToUpperInvariant();
        validator.Require(method is not null && Methods.Contains(method), "method", "must be one of GET, POST, PUT, PATCH, DELETE");

        var timeout = request.TimeoutSeconds ?? 30;
        validator.Require(timeout is >= 1 and <= 120, "timeoutSeconds", "must be between 1 and 120");

        IReadOnlyList<string> properties = [];
        if (request.ArgumentsSchema is not { } schema || schema.ValueKind == JsonValueKind.Null)
        {
            validator.Add("argumentsSchema", "is required");
        }
        else
        {
            properties = ArgumentsSchema.Validate(schema, validator.Add);
        }

        UrlTemplate? template = null;
        if (string.IsNullOrWhiteSpace(request.UrlTemplate))
        {
            validator.Add("urlTemplate", "is required and must not be blank");
        }
        else
        {
            template = UrlTemplate.TryParse(request.UrlTemplate.Trim(), out var error);
            if (template is null)
            {
                validator.Add("urlTemplate", error!);
            }
            else
            {
                foreach (var placeholder in template.Placeholders.Where(p => !properties.Contains(p, StringComparer.Ordinal)))
                {
                    validator.Add("urlTemplate", $"uses {{{placeholder}}}, which argumentsSchema.properties does not declare");
                }
            }
        }

        if (!validator.IsValid)
        {
            return validator.ToProblem();
        }

        var accountId = user.GetAccountId();
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        var tool = new ToolDefinition(
            name!,
            request.Description!.Trim(),
            BuiltIn: false,
            method,
            template!.Text,
            request.ArgumentsSchema!.Value.Clone(),
            timeout,
            request.Risk ?? ToolRisk.Medium,
            createdAt);

        if (!await store.TryCreateAsync(accountId, tool, cancellationToken))
        {
            return Problems.Conflict(ProblemTypes.Conflict, "The tool already exists.",
                $"This account already has a tool named '{tool.Name}'; delete it first to replace it.");
        }

        AgentsTelemetry.ToolsChanged.Add(1, new KeyValuePair<string, object?>("change", "declared"));
        logger.LogInformation("Account {AccountId} declared HTTP tool {ToolName} ({Method} {Host})",
            accountId, tool.Name, tool.Method, template.Host);
        return TypedResults.Created($"/v1/tools/{tool.Name}", tool);
    }

    private static async Task<Results<Ok<ToolList>, ValidationProblem>> ListTools(
        ClaimsPrincipal user, ToolStore store, CancellationToken cancellationToken, int limit = 100, string? after = null)
    {
        if (limit is < 1 or > 1000)
        {
            return Problems.Validation("limit", "must be between 1 and 1000");
        }

        // Built-ins and the account's tools form one list in name order, paged by the last name seen.
        var declared = await store.ListAsync(user.GetAccountId(), limit, after, cancellationToken);
        var items = BuiltInTools.All
            .Where(t => after is null || string.CompareOrdinal(t.Name, after) > 0)
            .Concat(declared)
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .Take(limit)
            .ToList();
        return TypedResults.Ok(new ToolList(items, items.Count == limit ? items[^1].Name : null));
    }

    private static async Task<Results<Ok<ToolDefinition>, ProblemHttpResult>> GetTool(
        string name, ClaimsPrincipal user, ToolStore store, CancellationToken cancellationToken)
    {
        var tool = BuiltInTools.Find(name) ?? await store.FindAsync(user.GetAccountId(), name, cancellationToken);
        return tool is null ? Problems.NotFound("tool", name) : TypedResults.Ok(tool);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteTool(
        string name, ClaimsPrincipal user, ToolStore store, ILogger<ToolStore> logger, CancellationToken cancellationToken)
    {
        if (BuiltInTools.IsBuiltIn(name))
        {
            return Problems.Conflict(ToolProblemTypes.BuiltInTool, "Built-in tools cannot be deleted.",
                $"'{name}' is provided by the platform; restrict it with the run's allowed tools or the safety policy instead.");
        }

        var accountId = user.GetAccountId();
        if (!await store.DeleteAsync(accountId, name, cancellationToken))
        {
            return Problems.NotFound("tool", name);
        }

        AgentsTelemetry.ToolsChanged.Add(1, new KeyValuePair<string, object?>("change", "deleted"));
        logger.LogInformation("Account {AccountId} deleted HTTP tool {ToolName}", accountId, name);
        return TypedResults.NoContent();
    }
}
