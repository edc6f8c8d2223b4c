using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Platform.Agents.Runs;
using Platform.Agents.Tools;
using Platform.Contracts.Billing;
using Platform.Contracts.SafetyGuard;
using Platform.Messaging.Outbox;
using Platform.Storage;

namespace Platform.Agents.Execution;

/// <summary>
/// The agent-step consumer: checks a step's action (the run's policy, then SafetyGuard's CheckAction), runs its
/// tool at most once per attempt (see <see cref="StepExecutionStore"/>), meters the call to Billing against the
/// run's reservation (RecordUsage prices it; the price is the step's cost), records the step's output or typed
/// error, and reports to the run's saga through the outbox, in the transaction that records the step.
/// </summary>
public sealed class ExecuteAgentStepConsumer(
    [FromKeyedServices(AgentsModule.Name)] Database database,
    StepExecutionStore executions,
    RunStore runs,
    ToolStore tools,
    IEnumerable<IToolRunner> runners,
    IScopedClientFactory clients,
    TransactionalOutbox outbox,
    ILogger<ExecuteAgentStepConsumer> logger) : IConsumer<ExecuteAgentStep>
{
    /// <summary>
    /// Tools an attempt interrupted by a crash may call again as the next attempt: those without side effects, and
    /// cad.generate, whose jobs are keyed by step (the next attempt finds the job the interrupted one submitted).
    /// </summary>
    private static readonly HashSet<string> RepeatableTools =
        [BuiltInTools.RetrievalSearch, BuiltInTools.InferenceClassify, BuiltInTools.InferenceGenerate, BuiltInTools.CadGenerate];

    public async Task Consume(ConsumeContext<ExecuteAgentStep> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var previous = await executions.GetAsync(m.RunId, m.StepIndex, m.Attempt, ct);
        if (previous is { Status: StepExecutionStore.Finished, Result: { } report })
        {
            // Already reported: send the same report again (the saga ignores what it has seen).
            await ReportAsync(m, JsonSerializer.Deserialize<AgentStepExecuted>(report, RunStore.Json)!, null, null, ct);
            return;
        }

        ToolResult result;
        if (previous is { Status: StepExecutionStore.Executed, Result: { } stored })
        {
            result = JsonSerializer.Deserialize<ToolResult>(stored, RunStore.Json)!;
        }
        else if (previous is { Status: StepExecutionStore.Started })
        {
            result = Interrupted(m);
            logger.LogWarning("Run {RunId} step {StepIndex} attempt {Attempt} was interrupted during its tool call; not called again",
                m.RunId, m.StepIndex, m.Attempt);
        }
        else
        {
            var tool = BuiltInTools.Find(m.Tool) ?? await tools.FindAsync(m.AccountId, m.Tool, ct);
            if (tool is null)
            {
                await FinishAsync(m, ToolResult.Permanent($"tool '{m.Tool}' no longer exists in the account's registry"), 0, ct);
                return;
            }

            IReadOnlyList<JsonObject> decisions = [];
            if (!m.Approved)
            {
                if (await CheckAsync(m, tool, ct) is not { } allowed)
                {
                    return;
                }

                decisions = allowed;
            }

            if (!await ClaimAsync(m, decisions, ct))
            {
                // Another delivery of this attempt claimed it and reports it (or, if it died, its redelivery does).
                logger.LogInformation("Run {RunId} step {StepIndex} attempt {Attempt} is already being executed; this delivery does nothing",
                    m.RunId, m.StepIndex, m.Attempt);
                return;
            }

            result = await RunToolAsync(m, tool, ct);
            if (result.Usage is not null)
            {
                // Billing is asked next, which can fail or time out: keep the result first, so a redelivery meters it
                // instead of calling the tool again. A result with nothing to meter is recorded with the report at once.
                await executions.SaveResultAsync(m.RunId, m.StepIndex, m.Attempt, JsonSerializer.Serialize(result, RunStore.Json), ct);
            }
        }

        var (cost, metered) = await MeterAsync(m, result, ct);
        await FinishAsync(m, metered, cost, ct);
    }

    private async Task<ToolResult> RunToolAsync(ExecuteAgentStep m, ToolDefinition tool, CancellationToken ct)
    {
        var runner = runners.FirstOrDefault(r => r.Runs(tool));
        if (runner is null)
        {
            return ToolResult.Permanent($"tool '{tool.Name}' cannot be run by this platform version");
        }

        using var activity = AgentsTelemetry.Source.StartActivity("agent tool call");
        activity?.SetTag("agents.run_id", m.RunId);
        activity?.SetTag("agents.step", m.StepIndex);
        activity?.SetTag("agents.tool", tool.Name);
        var started = Stopwatch.GetTimestamp();
        var result = await runner.RunAsync(new ToolCall(m.RunId, m.AccountId, m.StepIndex, m.Attempt, tool, m.Input, m.AllowedDomains,
            m.ReservationId, m.EstimatedCost), ct);
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        AgentsTelemetry.ToolDuration.Record(elapsed, new KeyValuePair<string, object?>("tool", tool.BuiltIn ? tool.Name : "http"),
            new KeyValuePair<string, object?>("outcome", result.ErrorKind ?? "success"));
        activity?.SetTag("agents.outcome", result.ErrorKind ?? "success");
        return result with { ToolMs = elapsed };
    }

    /// <summary>
    /// The run's policy and SafetyGuard decide; the stricter wins. Returns the two decisions when the step may run now
    /// (the claim records them); otherwise the denial or the approval request is reported and null returned.
    /// </summary>
    private async Task<IReadOnlyList<JsonObject>?> CheckAsync(ExecuteAgentStep m, ToolDefinition tool, CancellationToken ct)
    {
        var reasons = new List<string>();
        var denials = new List<string>();
        if (m.PolicyRequiresApproval)
        {
            reasons.Add("policy.require_approval");
        }

        if (!tool.BuiltIn && UrlTemplate.TryParse(tool.UrlTemplate!, out _) is { } template &&
            m.AllowedDomains.Count > 0 && !m.AllowedDomains.Any(d => DomainPattern.Matches(d, template.Host)))
        {
            denials.Add($"policy.allowed_domains: host '{template.Host}' is not allowed by the run's policy");
        }

        var policyDecision = new JsonObject
        {
            ["kind"] = "policy",
            ["decision"] = denials.Count > 0 ? "deny" : reasons.Count > 0 ? "require_approval" : "allow",
            ["reasons"] = new JsonArray([.. reasons.Concat(denials).Select(r => (JsonNode?)JsonValue.Create(r))]),
        };

        ActionChecked verdict;
        try
        {
            var client = clients.CreateRequestClient<CheckAction>(RequestTimeout.After(s: 30));
            var response = await client.GetResponse<ActionChecked>(new CheckAction(m.AccountId, m.Tool, m.Input, m.EstimatedCost), ct);
            verdict = response.Message;
        }
        catch (RequestTimeoutException)
        {
            // Not checked is not allowed: report a transient failure, which the saga retries.
            await FinishAsync(m, ToolResult.Transient("SafetyGuard did not answer the action check within 30 s"), 0, ct, policyDecision);
            return null;
        }

        var guardDecision = new JsonObject
        {
            ["kind"] = "guard",
            ["decision"] = verdict.Decision,
            ["decisionId"] = verdict.DecisionId,
            ["ruleIds"] = new JsonArray([.. verdict.RuleIds.Select(r => (JsonNode?)JsonValue.Create(r))]),
            ["violations"] = new JsonArray([.. verdict.Violations.Select(v => (JsonNode?)new JsonObject
            {
                ["ruleId"] = v.RuleId, ["field"] = v.Field, ["message"] = v.Message,
            })]),
            ["risk"] = verdict.Risk,
        };

        if (verdict.Decision == "deny")
        {
            denials.Add($"SafetyGuard denied the action (rules {string.Join(", ", verdict.RuleIds)}" +
                (verdict.Violations.Count > 0 ? ": " + string.Join("; ", verdict.Violations.Select(v => $"{v.Field} {v.Message}")) : "") +
                $"; decision id {verdict.DecisionId})");
        }
        else if (verdict.Decision == "require_approval")
        {
            reasons.AddRange(verdict.RuleIds.DefaultIfEmpty("guard.require_approval"));
        }
        else if (verdict.Decision != "allow")
        {
            denials.Add($"SafetyGuard answered the unknown decision '{verdict.Decision}'");
        }

        if (denials.Count > 0)
        {
            await ReportAsync(m, new AgentStepExecuted(m.RunId, m.StepIndex, m.Attempt, StepOutcomes.Denied, ErrorKinds.Permanent,
                string.Join("; ", denials), 0, []), new StepChange
                {
                    State = StepStates.Denied, ErrorKind = ErrorKinds.Permanent, ErrorDetail = string.Join("; ", denials), Finished = true,
                }, [policyDecision, guardDecision], ct);
            return null;
        }

        if (reasons.Count > 0)
        {
            await ReportAsync(m, new AgentStepExecuted(m.RunId, m.StepIndex, m.Attempt, StepOutcomes.ApprovalRequired, null, null, 0, reasons),
                null, [policyDecision, guardDecision], ct);
            return null;
        }

        return [policyDecision, guardDecision];
    }

    /// <summary>
    /// Claims the attempt and records the decisions that allowed it, in one transaction committed before the tool is
    /// called; false (and nothing recorded) when another delivery claimed it first.
    /// </summary>
    private async Task<bool> ClaimAsync(ExecuteAgentStep m, IReadOnlyList<JsonObject> decisions, CancellationToken ct)
    {
        await using var work = await DatabaseTransaction.BeginAsync(database, ct);
        using (work.EnterAmbient())
        {
            if (!await executions.TryClaimAsync(m.RunId, m.StepIndex, m.Attempt, ct))
            {
                return false;
            }

            if (decisions.Count > 0)
            {
                await runs.UpdateStepWithDecisionsAsync(m.RunId, m.StepIndex, new StepChange(), decisions, ct);
            }
        }

        await work.CommitAsync(ct);
        return true;
    }

    /// <summary>Billing prices the call against the run's reservation; an unpriceable call fails the step rather than run unpaid.</summary>
    private async Task<(long Cost, ToolResult Result)> MeterAsync(ExecuteAgentStep m, ToolResult result, CancellationToken ct)
    {
        if (result.Usage is not { } usage)
        {
            if (result.MeteredCost > 0)
            {
                AgentsTelemetry.StepCost.Add(result.MeteredCost, new KeyValuePair<string, object?>("tool", m.Tool));
            }

            return (result.MeteredCost, result);
        }

        var client = clients.CreateRequestClient<RecordUsage>(RequestTimeout.After(s: 30));
        try
        {
            var response = await client.GetResponse<UsageRecorded, InsufficientCredits, LedgerRejected>(
                new RecordUsage(TransferIds.Usage(m.RunId, m.StepIndex, m.Attempt), m.AccountId, usage.Kind, usage.Model, m.RunId.ToString(),
                    usage.InputTokens, usage.OutputTokens, 0, 0, usage.ToolCalls, m.ReservationId), ct);
            if (response.Is(out Response<UsageRecorded>? recorded))
            {
                AgentsTelemetry.StepCost.Add(recorded.Message.Charge, new KeyValuePair<string, object?>("tool", m.Tool));
                return (recorded.Message.Charge, result);
            }

            var detail = response.Is(out Response<LedgerRejected>? rejected)
                ? $"{rejected.Message.Reason}: {rejected.Message.Detail}"
                : "insufficient credits";
            return (0, result with
            {
                Output = null,
                ErrorKind = ErrorKinds.Permanent,
                Error = (result.Succeeded ? "the call succeeded but " : result.Error + "; and ") + $"Billing cannot meter it ({detail}), so its result is not used",
            });
        }
        catch (RequestTimeoutException)
        {
            // The message is retried by the endpoint (the stored result is reused), and finally faults visibly.
            throw new InvalidOperationException($"Billing did not answer RecordUsage for run {m.RunId} step {m.StepIndex} attempt {m.Attempt} within 30 s");
        }
    }

    private ToolResult Interrupted(ExecuteAgentStep m) => RepeatableTools.Contains(m.Tool)
        ? ToolResult.Transient("the service stopped during the call; calling the tool again repeats no side effect, so the next attempt does")
        : ToolResult.Permanent("the service stopped during the call, which may have reached the tool; it is not called again (no step runs twice)",
            ToolUsage.OneCall);

    private Task FinishAsync(ExecuteAgentStep m, ToolResult result, long cost, CancellationToken ct, JsonObject? decision = null)
    {
        var report = new AgentStepExecuted(m.RunId, m.StepIndex, m.Attempt, result.Succeeded ? StepOutcomes.Succeeded : StepOutcomes.Failed,
            result.ErrorKind, result.Error, cost, []);
        var change = new StepChange
        {
            State = result.Succeeded ? StepStates.Succeeded : StepStates.Failed,
            Output = result.Output,
            ErrorKind = result.ErrorKind,
            ErrorDetail = result.Error,
            ClearError = result.Succeeded,
            Attempts = m.Attempt,
            AddCost = cost,
            Finished = true,
            ToolMs = result.ToolMs,
        };
        return ReportAsync(m, report, change, decision is null ? [] : [decision], ct, markFinished: true);
    }

    /// <summary>Records the step (when <paramref name="change"/> is given) and writes the report to the outbox, in one transaction.</summary>
    private async Task ReportAsync(ExecuteAgentStep m, AgentStepExecuted report, StepChange? change, IReadOnlyList<JsonObject>? decisions,
        CancellationToken ct, bool markFinished = false)
    {
        await using var work = await DatabaseTransaction.BeginAsync(database, ct);
        using (work.EnterAmbient())
        {
            if (change is not null || decisions is { Count: > 0 })
            {
                await runs.UpdateStepWithDecisionsAsync(m.RunId, m.StepIndex, change ?? new StepChange(), decisions ?? [], ct);
            }

            if (markFinished)
            {
                await executions.FinishAsync(work.Connection, work.Transaction, m.RunId, m.StepIndex, m.Attempt, JsonSerializer.Serialize(report, RunStore.Json), ct);
            }

            await outbox.PublishAsync(report, work.Connection, work.Transaction, ct);
        }

        await work.CommitAsync(ct);
    }
}
