using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Agents.Tools;
using Platform.ServiceDefaults.Errors;

namespace Platform.Agents.Runs;

/// <summary>
/// Validates a run request completely before anything is stored: every bad field is reported at once, with
/// its JSON path (<c>plan.steps[2].arguments.query</c>). Tools are looked up in the account's registry, step
/// arguments are checked against the tool's schema (references are checked for their target here and for
/// their value when the step starts), and references may only point backwards.
/// </summary>
public sealed class RunRequestReader(ToolStore tools, IOptions<RunOptions> options)
{
    public const int MaxGoalLength = 20_000;
    public const long MaxBudget = 1_000_000_000_000_000;
    public const int MaxArgumentsBytes = 256 * 1024;
    public const int MaxAllowedTools = 200;
    public const int MaxDomains = 100;

    public async Task<(RunSpec? Spec, Validator Errors)> ReadAsync(Guid accountId, CreateRunRequest? request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var errors = new Validator();
        if (request is null)
        {
            errors.Add("body", "is required: a JSON object with goal, plan or planner, and budget");
            return (null, errors);
        }

        errors.RequireText(request.Goal, "goal", MaxGoalLength);
        errors.Require(request.Budget is >= 1 and <= MaxBudget, "budget", $"is required: micro-credits, 1 to {MaxBudget}");

        var planner = request.Planner?.Trim().ToLowerInvariant() ?? (request.Plan is null ? null : Planners.Explicit);
        if (planner is not (Planners.Explicit or Planners.Llm))
        {
            errors.Add("planner", request.Planner is null && request.Plan is null
                ? "give either plan (explicit steps) or planner \"llm\""
                : "must be \"explicit\" (with plan) or \"llm\"");
        }
        else if (planner == Planners.Llm && request.Plan is not null)
        {
            errors.Add("plan", "must be omitted when planner is \"llm\": the LLM chooses the steps");
        }
        else if (planner == Planners.Explicit && request.Plan?.Steps is null)
        {
            errors.Add("plan.steps", "is required for an explicit plan");
        }

        var known = new Dictionary<string, ToolDefinition>(StringComparer.Ordinal);
        async Task<ToolDefinition?> FindTool(string name)
        {
            if (!known.TryGetValue(name, out var tool) && ToolNames.IsValid(name))
            {
                tool = BuiltInTools.Find(name) ?? await tools.FindAsync(accountId, name, cancellationToken);
                if (tool is not null)
                {
                    known[name] = tool;
                }
            }

            return tool;
        }

        var allowed = new List<string>();
        if (request.AllowedTools is { } allowedTools)
        {
            if (allowedTools.Count is 0 or > MaxAllowedTools)
            {
                errors.Add("allowedTools", $"must list 1 to {MaxAllowedTools} tool names when given");
            }
            else
            {
                for (var i = 0; i < allowedTools.Count; i++)
                {
                    var name = allowedTools[i];
                    if (name is null || await FindTool(name) is null)
                    {
                        errors.Add($"allowedTools[{i}]", $"'{name}' is not a tool of this account (GET /v1/tools lists them)");
                    }
                    else if (!allowed.Contains(name))
                    {
                        allowed.Add(name);
                    }
                }
            }
        }

        var steps = new List<PlanStep>();
        if (planner == Planners.Explicit && request.Plan?.Steps is { } planned)
        {
            if (planned.Count is 0 || planned.Count > settings.MaxStepsLimit)
            {
                errors.Add("plan.steps", $"must have 1 to {settings.MaxStepsLimit} steps");
            }
            else
            {
                await ReadStepsAsync(planned, request.AllowedTools is null ? null : allowed, FindTool, steps, errors);
            }

            if (request.AllowedTools is null)
            {
                allowed.AddRange(steps.Select(s => s.Tool).Distinct(StringComparer.Ordinal));
            }
        }
        else if (planner == Planners.Llm && request.AllowedTools is null)
        {
            errors.Add("allowedTools", "is required when planner is \"llm\": name the tools the LLM may call");
        }

        var maxSteps = request.MaxSteps ?? (planner == Planners.Llm ? settings.DefaultLlmMaxSteps : Math.Max(steps.Count, 1));
        if (maxSteps < 1 || maxSteps > settings.MaxStepsLimit)
        {
            errors.Add("maxSteps", $"must be between 1 and {settings.MaxStepsLimit}");
        }
        else if (planner == Planners.Explicit && steps.Count > maxSteps)
        {
            errors.Add("maxSteps", $"is {maxSteps} but the plan has {steps.Count} steps");
        }

        var policy = await ReadPolicy(request.Policy, settings, FindTool, errors);
        if (!errors.IsValid)
        {
            return (null, errors);
        }

        return (new RunSpec(request.Goal!.Trim(), planner!, steps, request.Budget!.Value, maxSteps, allowed, policy!), errors);
    }

    private static async Task ReadStepsAsync(
        IReadOnlyList<CreateRunStep?> planned, List<string>? allowed, Func<string, Task<ToolDefinition?>> findTool, List<PlanStep> steps, Validator errors)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < planned.Count; i++)
        {
            var field = $"plan.steps[{i}]";
            if (planned[i] is not { } step)
            {
                errors.Add(field, "must be an object with tool and arguments");
                continue;
            }

            var id = step.Id ?? (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!PlanStepIds.IsValid(id))
            {
                errors.Add($"{field}.id", $"must be 1 to {PlanStepIds.MaxLength} letters, digits, '_' or '-'");
            }
            else if (!ids.Add(id))
            {
                errors.Add($"{field}.id", $"'{id}' is used by an earlier step; step ids are unique");
            }

            errors.Require(step.MaxCost is null or >= 0 and <= MaxBudget, $"{field}.maxCost", $"must be 0 to {MaxBudget} micro-credits");

            ToolDefinition? tool = null;
            if (string.IsNullOrWhiteSpace(step.Tool))
            {
                errors.Add($"{field}.tool", "is required");
            }
            else if ((tool = await findTool(step.Tool)) is null)
            {
                errors.Add($"{field}.tool", $"'{step.Tool}' is not a tool of this account (GET /v1/tools lists them)");
            }
            else if (allowed is not null && !allowed.Contains(step.Tool))
            {
                errors.Add($"{field}.tool", $"'{step.Tool}' is not in allowedTools");
            }

            var arguments = step.Arguments is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } given
                ? given
                : JsonDocument.Parse("{}").RootElement;
            if (arguments.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{field}.arguments", "must be a JSON object");
                continue;
            }

            if (System.Text.Encoding.UTF8.GetByteCount(arguments.GetRawText()) > MaxArgumentsBytes)
            {
                errors.Add($"{field}.arguments", $"must be at most {MaxArgumentsBytes} bytes of JSON");
                continue;
            }

            foreach (var (refField, text) in StepReference.FindAll(arguments, $"{field}.arguments"))
            {
                var reference = StepReference.TryParse(text, out var error);
                if (reference is null)
                {
                    errors.Add(refField, $"$ref {error}");
                }
                else if (reference.StepId is { } target && (!ids.Contains(target) || target == id))
                {
                    errors.Add(refField, $"$ref names step '{target}', which is not an earlier step of this plan");
                }
            }

            if (tool is not null)
            {
                ArgumentsValidator.Validate(tool.ArgumentsSchema, arguments, $"{field}.arguments", skipReferences: true, errors.Add);
            }

            steps.Add(new PlanStep(id, step.Tool ?? "", arguments.Clone(), step.MaxCost));
        }
    }

    private static async Task<RunPolicy?> ReadPolicy(
        CreateRunPolicy? policy, RunOptions settings, Func<string, Task<ToolDefinition?>> findTool, Validator errors)
    {
        var requireApproval = new List<string>();
        for (var i = 0; i < (policy?.RequireApproval?.Count ?? 0); i++)
        {
            var name = policy!.RequireApproval![i];
            if (name == "*" || (name is not null && await findTool(name) is not null))
            {
                requireApproval.Add(name);
            }
            else
            {
                errors.Add($"policy.requireApproval[{i}]", $"'{name}' is not a tool of this account; use tool names or \"*\"");
            }
        }

        var timeout = policy?.ApprovalTimeoutSeconds ?? settings.DefaultApprovalTimeoutSeconds;
        errors.Require(timeout >= 1 && timeout <= settings.MaxApprovalTimeoutSeconds, "policy.approvalTimeoutSeconds",
            $"must be between 1 and {settings.MaxApprovalTimeoutSeconds}");

        var attempts = policy?.MaxAttempts ?? settings.DefaultMaxAttempts;
        errors.Require(attempts is >= 1 and <= 10, "policy.maxAttempts", "must be between 1 and 10");

        var domains = new List<string>();
        if (policy?.AllowedDomains is { } allowedDomains)
        {
            if (allowedDomains.Count > MaxDomains)
            {
                errors.Add("policy.allowedDomains", $"must list at most {MaxDomains} domains");
            }

            for (var i = 0; i < Math.Min(allowedDomains.Count, MaxDomains); i++)
            {
                if (DomainPattern.Normalize(allowedDomains[i]) is { } domain)
                {
                    domains.Add(domain);
                }
                else
                {
                    errors.Add($"policy.allowedDomains[{i}]", "must be a host name such as example.com or *.example.com");
                }
            }
        }

        return new RunPolicy(requireApproval, timeout, domains, attempts);
    }
}
