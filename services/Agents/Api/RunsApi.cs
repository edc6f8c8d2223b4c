using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Agents.Execution;
using Platform.Agents.Planning;
using Platform.Agents.Runs;
using Platform.Messaging.Outbox;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Security;

namespace Platform.Agents.Api;

/// <summary>Agent runs: start one, follow it (state, steps, event stream), approve or deny its steps, cancel it. Every read is the caller's account only.</summary>
public static class RunsApi
{
    public sealed record RunList(IReadOnlyList<RunView> Items, string? Next);

    public sealed record ApprovalRequest(string? Decision, string? Approver, string? Reason);

    public sealed record ApprovalRecorded(Guid RunId, int StepIndex, string Decision, string Approver, string? Reason);

    public static void MapRunsApi(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/v1/runs").WithTags("Runs").RequireAuthorization(PlatformPolicies.Account);
        runs.MapPost("/", Create);
        runs.MapGet("/", List);
        runs.MapGet("/{id}", Get);
        runs.MapPost("/{id}/approvals", Approve);
        runs.MapPost("/{id}/cancel", Cancel);
        runs.MapGet("/{id}/events", Events);
    }

    private static async Task<Results<Accepted<RunView>, ValidationProblem, ProblemHttpResult>> Create(
        CreateRunRequest? request, ClaimsPrincipal user, RunRequestReader reader, RunStore store, TransactionalOutbox outbox,
        IOptions<PlannerOptions> planner, ILogger<RunStore> logger, CancellationToken cancellationToken)
    {
        var accountId = user.GetAccountId();
        var (spec, errors) = await reader.ReadAsync(accountId, request, cancellationToken);
        if (spec is null)
        {
            return errors.ToProblem();
        }

        if (spec.Planner == Planners.Llm && string.IsNullOrEmpty(planner.Value.Model))
        {
            return Problems.Status(StatusCodes.Status422UnprocessableEntity, RunProblemTypes.PlannerUnavailable, "No LLM planner is configured.",
                "Runs with planner \"llm\" need a chat model in Inference and Agents:Planner:Model naming it; this installation has none. " +
                "Send an explicit plan (plan.steps) instead: explicit plans need no LLM.");
        }

        var runId = NewId.NextGuid();
        await using (var connection = await store.Database.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await store.CreateAsync(runId, accountId, spec, connection, transaction, cancellationToken);
            await outbox.PublishAsync(new RunSubmitted(runId, accountId), connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        AgentsTelemetry.RunsSubmitted.Add(1, new KeyValuePair<string, object?>("planner", spec.Planner));
        logger.LogInformation("Account {AccountId} started run {RunId} ({Planner}, {Steps} planned steps, budget {Budget})",
            accountId, runId, spec.Planner, spec.Steps.Count, spec.Budget);
        var view = await store.GetAsync(accountId, runId, withSteps: true, cancellationToken);
        return TypedResults.Accepted($"/v1/runs/{runId}", view!);
    }

    private static async Task<Results<Ok<RunView>, ProblemHttpResult>> Get(string id, ClaimsPrincipal user, RunStore store, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var runId) && await store.GetAsync(user.GetAccountId(), runId, withSteps: true, cancellationToken) is { } run
            ? TypedResults.Ok(run)
            : Problems.NotFound("run", id);

    private static async Task<Results<Ok<RunList>, ValidationProblem>> List(
        ClaimsPrincipal user, RunStore store, CancellationToken cancellationToken, int limit = 50, string? after = null)
    {
        var errors = new Validator();
        errors.Require(limit is >= 1 and <= 500, "limit", "must be between 1 and 500");
        (long, string)? cursor = null;
        if (after is not null)
        {
            var parts = after.Split('_');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var createdAt) && Guid.TryParse(parts[1], out var lastId))
            {
                cursor = (createdAt, lastId.ToString());
            }
            else
            {
                errors.Add("after", "must be the next value of a previous page");
            }
        }

        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        var items = await store.ListAsync(user.GetAccountId(), limit, cursor, cancellationToken);
        var next = items.Count == limit ? $"{items[^1].CreatedAt.ToUnixTimeMilliseconds()}_{items[^1].Id}" : null;
        return TypedResults.Ok(new RunList(items, next));
    }

    private static async Task<Results<Accepted<ApprovalRecorded>, ValidationProblem, ProblemHttpResult>> Approve(
        string id, ApprovalRequest? request, ClaimsPrincipal user, RunStore store, TransactionalOutbox outbox, ILogger<RunStore> logger,
        CancellationToken cancellationToken)
    {
        var errors = new Validator();
        var decision = request?.Decision?.Trim().ToLowerInvariant();
        errors.Require(decision is "approve" or "deny", "decision", "must be \"approve\" or \"deny\"");
        errors.RequireText(request?.Approver, "approver", 200);
        errors.Require(request?.Reason is null || request.Reason.Length <= 2000, "reason", "must be at most 2000 characters");
        if (!errors.IsValid)
        {
            return errors.ToProblem();
        }

        var accountId = user.GetAccountId();
        if (!Guid.TryParse(id, out var runId) || await store.GetAsync(accountId, runId, withSteps: false, cancellationToken) is not { } run)
        {
            return Problems.NotFound("run", id);
        }

        if (run.State != RunStates.AwaitingApproval || run.CurrentStep is not { } step)
        {
            return Problems.Conflict(RunProblemTypes.NotAwaitingApproval, "The run is not waiting for an approval.",
                $"Run {runId} is {run.State}; approvals are taken while it is {RunStates.AwaitingApproval}.");
        }

        var approved = decision == "approve";
        var approver = request!.Approver!.Trim();
        await using (var connection = await store.Database.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (!await store.TryRecordApprovalAsync(runId, step, approved, approver, request.Reason, connection, transaction, cancellationToken))
            {
                return Problems.Conflict(RunProblemTypes.ApprovalAlreadyDecided, "The step's approval was already decided.",
                    $"Step {step} of run {runId} was approved or denied before; decisions are final.");
            }

            await outbox.PublishAsync(new RunApprovalDecided(runId, step, approved, approver, request.Reason), connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        logger.LogInformation("{Approver} {Decision} step {StepIndex} of run {RunId}", approver, approved ? "approved" : "denied", step, runId);
        return TypedResults.Accepted($"/v1/runs/{runId}", new ApprovalRecorded(runId, step, decision!, approver, request.Reason));
    }

    private static async Task<Results<Accepted<RunView>, ProblemHttpResult>> Cancel(
        string id, ClaimsPrincipal user, RunStore store, TransactionalOutbox outbox, CancellationToken cancellationToken)
    {
        var accountId = user.GetAccountId();
        if (!Guid.TryParse(id, out var runId) || await store.GetAsync(accountId, runId, withSteps: false, cancellationToken) is not { } run)
        {
            return Problems.NotFound("run", id);
        }

        if (RunStates.IsTerminal(run.State))
        {
            return Problems.Conflict(RunProblemTypes.RunFinished, "The run already ended.", $"Run {runId} is {run.State}.");
        }

        await using (var connection = await store.Database.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            // A second cancel of a running run is accepted again without a second message.
            if (await store.RequestCancelAsync(runId, connection, transaction, cancellationToken))
            {
                await outbox.PublishAsync(new RunCancelRequested(runId), connection, transaction, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        return TypedResults.Accepted($"/v1/runs/{runId}", (await store.GetAsync(accountId, runId, withSteps: false, cancellationToken))!);
    }

    /// <summary>
    /// Server-sent events: every event of the run from the start (or after <c>Last-Event-ID</c>), then new ones as
    /// they commit, until the run's last event (<c>run.completed</c> or <c>run.failed</c>). Each has an <c>id</c> (its
    /// sequence number), an <c>event</c> type and JSON <c>data</c>. Comments keep an idle connection open.
    /// </summary>
    private static async Task<IResult> Events(string id, ClaimsPrincipal user, RunStore store, HttpContext http, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var runId) || await store.GetAsync(user.GetAccountId(), runId, withSteps: false, cancellationToken) is null)
        {
            return Problems.NotFound("run", id);
        }

        long after = 0;
        var lastEventId = http.Request.Headers["Last-Event-ID"].ToString();
        if (lastEventId.Length > 0 && !long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            return Problems.Validation("Last-Event-ID", "must be the id of an event of this stream");
        }

        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(cancellationToken);
        var idle = DateTime.UtcNow;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var events = await store.EventsAsync(runId, after, cancellationToken);
                foreach (var e in events)
                {
                    var text = $"id: {e.Seq}\nevent: {e.Type}\ndata: {JsonSerializer.Serialize(new { e.Seq, e.Type, e.Data, e.CreatedAt }, RunStore.Json)}\n\n";
                    await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
                    after = e.Seq;
                    if (e.Type is "run.completed" or "run.failed")
                    {
                        await response.Body.FlushAsync(cancellationToken);
                        return Results.Empty;
                    }
                }

                if (events.Count > 0)
                {
                    await response.Body.FlushAsync(cancellationToken);
                    idle = DateTime.UtcNow;
                }
                else if (DateTime.UtcNow - idle > TimeSpan.FromSeconds(15))
                {
                    await response.Body.WriteAsync(": keep-alive\n\n"u8.ToArray(), cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                    idle = DateTime.UtcNow;
                }

                await Task.Delay(events.Count == 500 ? 0 : 200, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }

        return Results.Empty;
    }
}
