using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Agents.Runs;
using Platform.Agents.Tools;
using Platform.Contracts.Agents;
using Platform.Contracts.Billing;
using Platform.Contracts.SafetyGuard;
using Platform.Messaging.Outbox;

namespace Platform.Agents.Execution;

/// <summary>
/// AgentRunSaga: guard the goal (SafetyGuard CheckPrompt) -> reserve the budget (Billing) -> step loop
/// { choose the next step (the explicit plan, or the LLM planner) -> budget check -> resolve references ->
/// the agent-step consumer checks the action (run policy, SafetyGuard CheckAction) -> [awaiting approval:
/// resumes on approval, denied on expiry] -> runs the tool once per attempt and meters it -> transient
/// failures retry with backoff } -> capture what was spent (the rest returns) or release it all ->
/// RunCompleted or RunFailed (reason). Cancel and every failure settle the reservation the same way.
///
/// Everything the saga sends (requests to SafetyGuard and Billing, commands to its own consumers, the
/// integration events) is written to Agents' transactional outbox in the transaction that commits the
/// saga's new state, so a crash can neither lose a command nor send one for a state that did not commit.
/// Answers find the run by request id (SafetyGuard), by transfer id (Billing) or by run id (its own
/// consumers); the run has one timer at a time, and a timer or answer that no longer matches the run's
/// step, attempt or token is ignored.
/// </summary>
public sealed class AgentRunStateMachine : MassTransitStateMachine<AgentRunSaga>
{
    private readonly RunOptions _options;

    public AgentRunStateMachine(IOptions<RunOptions> options)
    {
        _options = options.Value;
        InstanceState(x => x.CurrentState);

        Event(() => Submitted, e => e.CorrelateById(c => c.Message.RunId));
        Event(() => Guarded, e =>
        {
            e.CorrelateById(c => c.RequestId ?? Guid.Empty);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => Reserved, e => ByTransfer(e, c => c.Message.TransferId));
        Event(() => Insufficient, e => ByTransfer(e, c => c.Message.TransferId));
        Event(() => Rejected, e => ByTransfer(e, c => c.Message.TransferId));
        Event(() => Captured, e => ByTransfer(e, c => c.Message.TransferId));
        Event(() => Released, e => ByTransfer(e, c => c.Message.TransferId));
        Event(() => StepExecuted, e => ByRun(e, c => c.Message.RunId));
        Event(() => StepPlanned, e => ByRun(e, c => c.Message.RunId));
        Event(() => ApprovalDecided, e => ByRun(e, c => c.Message.RunId));
        Event(() => CancelRequested, e => ByRun(e, c => c.Message.RunId));
        Event(() => TimerFired, e => ByRun(e, c => c.Message.RunId));

        // Late or repeated answers (a redelivery after the run moved on) change nothing.
        OnUnhandledEvent(c => c.Ignore());

        Initially(When(Submitted).ThenAsync(StartAsync));

        During(Guarding,
            When(Guarded).ThenAsync(OnGuardedAsync),
            When(CancelRequested).ThenAsync(c => EndAsync(c, RunStates.Cancelled, RunFailureReasons.Cancelled, "Cancelled before the run started.", null)),
            When(TimerFired).ThenAsync(c => OnTimerAsync(c)));

        During(Reserving,
            When(Reserved).ThenAsync(OnReservedAsync),
            When(Insufficient).ThenAsync(c => EndAsync(c, RunStates.Failed, RunFailureReasons.InsufficientCredits,
                $"The budget of {c.Message.Requested} micro-credits cannot be reserved: {c.Message.Available} are available.", null)),
            When(Rejected).ThenAsync(c => EndAsync(c, RunStates.Failed, RunFailureReasons.BillingFailed,
                $"Billing refused the reservation ({c.Message.Reason}): {c.Message.Detail}", null)),
            When(CancelRequested).Then(c => c.Saga.CancelRequested = true),
            When(TimerFired).ThenAsync(c => OnTimerAsync(c)));

        During(Planning,
            When(StepPlanned).ThenAsync(OnStepPlannedAsync),
            When(CancelRequested).Then(c => c.Saga.CancelRequested = true),
            When(TimerFired).ThenAsync(c => OnTimerAsync(c)));

        During(Executing,
            When(StepExecuted).ThenAsync(OnStepExecutedAsync),
            When(CancelRequested).Then(c => c.Saga.CancelRequested = true),
            When(TimerFired).ThenAsync(c => OnTimerAsync(c)));

        During(AwaitingApproval,
            When(ApprovalDecided).ThenAsync(OnApprovalDecidedAsync),
            When(CancelRequested).ThenAsync(OnCancelWhileWaitingAsync),
            When(TimerFired).ThenAsync(c => OnTimerAsync(c)));

        During(RetryWaiting,
            When(CancelRequested).ThenAsync(OnCancelWhileWaitingAsync),
            When(TimerFired).ThenAsync(c => OnTimerAsync(c)));

        During(Settling,
            When(Captured).ThenAsync(c => FinishAsync(c, c.Message.Captured, $"captured {c.Message.Captured}, returned {c.Message.Returned}")),
            When(Released).ThenAsync(c => FinishAsync(c, 0, $"released {c.Message.Returned}")),
            When(Rejected).ThenAsync(c => FinishAsync(c, 0, $"Billing refused the settlement ({c.Message.Reason}): {c.Message.Detail}")),
            When(TimerFired).ThenAsync(c => OnTimerAsync(c)));
    }

    public State Guarding { get; private set; } = null!;

    public State Reserving { get; private set; } = null!;

    public State Planning { get; private set; } = null!;

    public State Executing { get; private set; } = null!;

    public State AwaitingApproval { get; private set; } = null!;

    public State RetryWaiting { get; private set; } = null!;

    public State Settling { get; private set; } = null!;

    public Event<RunSubmitted> Submitted { get; private set; } = null!;

    public Event<PromptChecked> Guarded { get; private set; } = null!;

    public Event<CreditsReserved> Reserved { get; private set; } = null!;

    public Event<InsufficientCredits> Insufficient { get; private set; } = null!;

    public Event<LedgerRejected> Rejected { get; private set; } = null!;

    public Event<CreditsCaptured> Captured { get; private set; } = null!;

    public Event<CreditsReleased> Released { get; private set; } = null!;

    public Event<AgentStepExecuted> StepExecuted { get; private set; } = null!;

    public Event<RunStepPlanned> StepPlanned { get; private set; } = null!;

    public Event<RunApprovalDecided> ApprovalDecided { get; private set; } = null!;

    public Event<RunCancelRequested> CancelRequested { get; private set; } = null!;

    public Event<RunTimer> TimerFired { get; private set; } = null!;

    private static void ByTransfer<T>(IEventCorrelationConfigurator<AgentRunSaga, T> e, Func<ConsumeContext<T>, string?> transferId)
        where T : class
    {
        e.CorrelateById(c => TransferIds.RunOf(transferId(c)));
        e.OnMissingInstance(m => m.Discard());
    }

    private static void ByRun<T>(IEventCorrelationConfigurator<AgentRunSaga, T> e, Func<ConsumeContext<T>, Guid> runId)
        where T : class
    {
        e.CorrelateById(runId);
        e.OnMissingInstance(m => m.Discard());
    }

    // ---- start: guard, reserve ----

    private async Task StartAsync(BehaviorContext<AgentRunSaga, RunSubmitted> c)
    {
        var saga = c.Saga;
        if (await Store(c).GetSpecAsync(saga.CorrelationId, c.CancellationToken) is not { } run)
        {
            // Only the API writes RunSubmitted, with the run row in the same transaction: nothing to run.
            Logger(c).LogWarning("RunSubmitted for run {RunId}, which has no row; ignored", saga.CorrelationId);
            await c.TransitionToState(Final);
            return;
        }

        saga.AccountId = run.AccountId;
        saga.Planner = run.Spec.Planner;
        saga.PlannedSteps = run.Spec.Steps.Count;
        saga.MaxSteps = run.Spec.MaxSteps;
        saga.Budget = run.Spec.Budget;
        saga.MaxAttempts = run.Spec.Policy.MaxAttempts;
        saga.SubmittedAt = DateTimeOffset.UtcNow;
        if (run.CancelRequested)
        {
            await EndAsync(c, RunStates.Cancelled, RunFailureReasons.Cancelled, "Cancelled before the run started.", null);
            return;
        }

        await SetRunStateAsync(c, RunStates.Guarding);
        await Outbox(c).PublishAsync(new CheckPrompt(saga.AccountId, run.Spec.Goal), c.CancellationToken,
            OutboxAddressing.Request(saga.CorrelationId, c.ReceiveContext.InputAddress!));
        await SetTimerAsync(c, TimerPurposes.Service, TimeSpan.FromSeconds(_options.ServiceTimeoutSeconds));
        await c.TransitionToState(Guarding);
    }

    private async Task OnGuardedAsync(BehaviorContext<AgentRunSaga, PromptChecked> c)
    {
        var m = c.Message;
        var guard = new { m.Decision, m.DecisionId, m.RuleIds, m.FindingTypes };
        await Store(c).UpdateRunAsync(c.Saga.CorrelationId, new RunChange { Guard = guard }, c.CancellationToken);
        await EmitAsync(c, "run.guarded", guard);
        if (m.Decision is not ("allow" or "redact"))
        {
            await EndAsync(c, RunStates.Failed, RunFailureReasons.GuardDenied,
                $"SafetyGuard did not allow the goal (decision {m.Decision}, rules {string.Join(", ", m.RuleIds)}, decision id {m.DecisionId}).", null);
            return;
        }

        await SetRunStateAsync(c, RunStates.Reserving);
        await Outbox(c).PublishAsync(
            new ReserveCredits(TransferIds.Reserve(c.Saga.CorrelationId), c.Saga.AccountId, c.Saga.Budget, _options.ReservationTimeoutSeconds),
            c.CancellationToken, new OutboxAddressing { ResponseAddress = c.ReceiveContext.InputAddress });
        await SetTimerAsync(c, TimerPurposes.Service, TimeSpan.FromSeconds(_options.ServiceTimeoutSeconds));
        await c.TransitionToState(Reserving);
    }

    private async Task OnReservedAsync(BehaviorContext<AgentRunSaga, CreditsReserved> c)
    {
        var saga = c.Saga;
        saga.ReservationId = c.Message.TransferId;
        saga.Reserved = c.Message.Amount;
        await CancelTimerAsync(c);
        await Store(c).UpdateRunAsync(saga.CorrelationId,
            new RunChange { Reserved = saga.Reserved, ReservationId = saga.ReservationId, State = RunStates.Running }, c.CancellationToken);
        await EmitAsync(c, "run.state", new { state = RunStates.Running, reserved = saga.Reserved });
        await Outbox(c).PublishAsync(
            new RunStarted(saga.CorrelationId, saga.AccountId, saga.Planner, saga.PlannedSteps, saga.Reserved, DateTimeOffset.UtcNow), c.CancellationToken);
        AgentsTelemetry.RunsStarted.Add(1, new KeyValuePair<string, object?>("planner", saga.Planner));
        await AdvanceAsync(c);
    }

    // ---- the step loop ----

    /// <summary>Starts the step at <see cref="AgentRunSaga.StepIndex"/>, or ends the run when there is none.</summary>
    private async Task AdvanceAsync(BehaviorContext<AgentRunSaga> c)
    {
        var saga = c.Saga;
        if (saga.CancelRequested)
        {
            await EndAsync(c, RunStates.Cancelled, RunFailureReasons.Cancelled, $"Cancelled after {saga.StepsCompleted} completed step(s).", null);
            return;
        }

        if (saga.Planner == Planners.Explicit && saga.StepIndex >= saga.PlannedSteps)
        {
            await EndAsync(c, RunStates.Completed, null, null, null);
            return;
        }

        if (saga.StepIndex >= saga.MaxSteps)
        {
            await EndAsync(c, RunStates.Failed, RunFailureReasons.MaxStepsReached,
                $"The run took its maximum of {saga.MaxSteps} steps and the planner had not finished.", null);
            return;
        }

        if (saga.Planner == Planners.Llm)
        {
            if (saga.Reserved - saga.Spent <= 0)
            {
                await EndAsync(c, RunStates.BudgetExhausted, RunFailureReasons.BudgetExhausted,
                    $"The budget of {saga.Budget} micro-credits is spent ({saga.Spent}); the planner was not asked for step {saga.StepIndex + 1}.", null);
                return;
            }

            await Store(c).UpdateRunAsync(saga.CorrelationId, new RunChange { CurrentStep = saga.StepIndex }, c.CancellationToken);
            await Outbox(c).PublishAsync(new PlanRunStep(saga.CorrelationId, saga.AccountId, saga.StepIndex, saga.ReservationId!), c.CancellationToken);
            await SetTimerAsync(c, TimerPurposes.Service, TimeSpan.FromSeconds(_options.ServiceTimeoutSeconds + _options.StepDeadlineMarginSeconds));
            await c.TransitionToState(Planning);
            return;
        }

        var spec = (await Store(c).SpecAsync(saga.CorrelationId, c.CancellationToken))!;
        await StartStepAsync(c, spec, spec.Steps[saga.StepIndex]);
    }

    private async Task StartStepAsync(BehaviorContext<AgentRunSaga> c, RunSpec spec, PlanStep step)
    {
        var saga = c.Saga;
        var store = Store(c);
        var estimate = _options.EstimateOf(step);
        var remaining = saga.Reserved - saga.Spent;
        saga.StepId = step.Id;
        saga.Tool = step.Tool;
        saga.Attempt = 1;
        saga.StepEstimate = estimate;
        saga.StepApproved = false;

        if (remaining <= 0 || estimate > remaining)
        {
            await store.StartStepAsync(saga.CorrelationId, saga.StepIndex, step, null, estimate, c.CancellationToken);
            await store.UpdateStepAsync(saga.CorrelationId, saga.StepIndex, new StepChange { State = StepStates.Skipped, Finished = true },
                new JsonObject { ["kind"] = "budget", ["decision"] = "not_started", ["estimatedCost"] = estimate, ["remaining"] = remaining },
                c.CancellationToken);
            await EmitAsync(c, "step.skipped", new { index = saga.StepIndex, id = step.Id, tool = step.Tool, estimatedCost = estimate, remaining });
            await EndAsync(c, RunStates.BudgetExhausted, RunFailureReasons.BudgetExhausted,
                $"Step '{step.Id}' ({step.Tool}) is estimated at {estimate} micro-credits and {Math.Max(remaining, 0)} of the budget of {saga.Budget} remain; " +
                $"it was not started. {saga.StepsCompleted} step(s) completed.", saga.StepIndex);
            return;
        }

        var tool = BuiltInTools.Find(step.Tool) ?? await c.GetServiceOrCreateInstance<ToolStore>().FindAsync(saga.AccountId, step.Tool, c.CancellationToken);
        var outputs = ArgumentResolver.HasReferences(step.Arguments)
            ? await store.OutputsAsync(saga.CorrelationId, c.CancellationToken)
            : new Dictionary<string, JsonNode?>();
        var input = ArgumentResolver.Resolve(step.Arguments, spec.Goal, outputs, out var error);
        if (input is not null && tool is not null)
        {
            var errors = new List<string>();
            using var document = JsonDocument.Parse(input.ToJsonString());
            ArgumentsValidator.Validate(tool.ArgumentsSchema, document.RootElement, "input", skipReferences: false, (f, m) => errors.Add($"{f} {m}"));
            error = errors.Count > 0 ? "the resolved input does not fit the tool's schema: " + string.Join("; ", errors) : null;
        }
        else if (tool is null)
        {
            error = $"tool '{step.Tool}' no longer exists in the account's registry";
        }

        await store.StartStepAsync(saga.CorrelationId, saga.StepIndex, step, error is null ? input : null, estimate, c.CancellationToken);
        await store.UpdateRunAsync(saga.CorrelationId, new RunChange { CurrentStep = saga.StepIndex, State = RunStates.Running }, c.CancellationToken);
        if (error is not null)
        {
            await store.UpdateStepAsync(saga.CorrelationId, saga.StepIndex,
                new StepChange { State = StepStates.Failed, ErrorKind = ErrorKinds.Permanent, ErrorDetail = error, Finished = true }, null, c.CancellationToken);
            await StepEndedAsync(c, RunStepOutcomes.Failed, ErrorKinds.Permanent, error, 0);
            await EndAsync(c, RunStates.Failed, RunFailureReasons.StepFailed, $"Step '{step.Id}' ({step.Tool}) could not start: {error}", saga.StepIndex);
            return;
        }

        saga.StepTimeoutSeconds = tool!.TimeoutSeconds;
        await EmitAsync(c, "step.started", new { index = saga.StepIndex, id = step.Id, tool = step.Tool, attempt = 1, input, estimatedCost = estimate });
        await SendStepAsync(c, JsonSerializer.SerializeToElement(input, RunStore.Json), spec);
    }

    private async Task SendStepAsync(BehaviorContext<AgentRunSaga> c, JsonElement input, RunSpec spec)
    {
        var saga = c.Saga;
        await Outbox(c).PublishAsync(new ExecuteAgentStep(
            saga.CorrelationId, saga.AccountId, saga.StepIndex, saga.StepId, saga.Attempt, saga.Tool, input, saga.StepEstimate,
            saga.ReservationId!, saga.StepApproved, spec.Policy.RequiresApproval(saga.Tool), spec.Policy.AllowedDomains), c.CancellationToken);
        await SetTimerAsync(c, TimerPurposes.Step, TimeSpan.FromSeconds(saga.StepTimeoutSeconds + _options.StepDeadlineMarginSeconds));
        await c.TransitionToState(Executing);
    }

    private async Task OnStepExecutedAsync(BehaviorContext<AgentRunSaga, AgentStepExecuted> c)
    {
        var saga = c.Saga;
        var m = c.Message;
        if (m.StepIndex != saga.StepIndex || m.Attempt != saga.Attempt)
        {
            return;
        }

        await CancelTimerAsync(c);
        saga.Spent += m.Cost;
        saga.StepsCompleted += m.Outcome == StepOutcomes.Succeeded ? 1 : 0;
        var store = Store(c);
        await store.UpdateRunAsync(saga.CorrelationId, new RunChange { Spent = saga.Spent, StepsCompleted = saga.StepsCompleted }, c.CancellationToken);
        switch (m.Outcome)
        {
            case StepOutcomes.Succeeded:
                await StepEndedAsync(c, RunStepOutcomes.Succeeded, null, null, m.Cost);
                saga.StepIndex++;
                await AdvanceAsync(c);
                return;

            case StepOutcomes.ApprovalRequired when !saga.CancelRequested:
                var spec = (await store.SpecAsync(saga.CorrelationId, c.CancellationToken))!;
                var timeout = TimeSpan.FromSeconds(spec.Policy.ApprovalTimeoutSeconds);
                var expiresAt = DateTimeOffset.UtcNow + timeout;
                await store.UpdateStepAsync(saga.CorrelationId, saga.StepIndex, new StepChange { State = StepStates.AwaitingApproval }, cancellationToken: c.CancellationToken);
                await SetRunStateAsync(c, RunStates.AwaitingApproval);
                await EmitAsync(c, "approval.requested", new { index = saga.StepIndex, id = saga.StepId, tool = saga.Tool, reasons = m.Reasons, expiresAt });
                await Outbox(c).PublishAsync(new RunApprovalRequested(saga.CorrelationId, saga.AccountId, saga.StepIndex, saga.StepId, saga.Tool,
                    m.Reasons, expiresAt, DateTimeOffset.UtcNow), c.CancellationToken);
                await SetTimerAsync(c, TimerPurposes.Approval, timeout);
                await c.TransitionToState(AwaitingApproval);
                return;

            case StepOutcomes.ApprovalRequired:
                await store.UpdateStepAsync(saga.CorrelationId, saga.StepIndex, new StepChange { State = StepStates.Skipped, Finished = true },
                    new JsonObject { ["kind"] = "cancel", ["decision"] = "not_started" }, c.CancellationToken);
                await AdvanceAsync(c);
                return;

            case StepOutcomes.Denied:
                await StepEndedAsync(c, RunStepOutcomes.Denied, ErrorKinds.Permanent, m.Error, m.Cost);
                await EndAsync(c, RunStates.Failed, RunFailureReasons.ActionDenied, $"Step '{saga.StepId}' ({saga.Tool}) was denied: {m.Error}", saga.StepIndex);
                return;

            default:
                if (m.ErrorKind == ErrorKinds.Transient && saga.Attempt < saga.MaxAttempts && !saga.CancelRequested)
                {
                    var delay = RetryDelay(saga.Attempt);
                    await store.UpdateStepAsync(saga.CorrelationId, saga.StepIndex, new StepChange { State = StepStates.RetryWaiting },
                        new JsonObject
                        {
                            ["kind"] = "retry", ["decision"] = "retry", ["attempt"] = saga.Attempt, ["nextAttempt"] = saga.Attempt + 1,
                            ["delayMs"] = (long)delay.TotalMilliseconds, ["error"] = m.Error,
                        },
                        c.CancellationToken);
                    await EmitAsync(c, "step.retrying", new { index = saga.StepIndex, id = saga.StepId, attempt = saga.Attempt, delayMs = (long)delay.TotalMilliseconds, error = m.Error });
                    await SetTimerAsync(c, TimerPurposes.Retry, delay);
                    await c.TransitionToState(RetryWaiting);
                    return;
                }

                await StepEndedAsync(c, RunStepOutcomes.Failed, m.ErrorKind, m.Error, m.Cost);
                if (saga.CancelRequested)
                {
                    await AdvanceAsync(c);
                    return;
                }

                await EndAsync(c, RunStates.Failed, RunFailureReasons.StepFailed,
                    $"Step '{saga.StepId}' ({saga.Tool}) failed ({m.ErrorKind}) after {saga.Attempt} attempt(s): {m.Error}", saga.StepIndex);
                return;
        }
    }

    private async Task OnStepPlannedAsync(BehaviorContext<AgentRunSaga, RunStepPlanned> c)
    {
        var saga = c.Saga;
        var m = c.Message;
        if (m.StepIndex != saga.StepIndex)
        {
            return;
        }

        await CancelTimerAsync(c);
        saga.Spent += m.Cost;
        await Store(c).UpdateRunAsync(saga.CorrelationId, new RunChange { Spent = saga.Spent }, c.CancellationToken);
        if (saga.CancelRequested)
        {
            await AdvanceAsync(c);
            return;
        }

        if (m.Error is not null)
        {
            await EndAsync(c, RunStates.Failed, RunFailureReasons.PlannerFailed, m.Error, saga.StepIndex);
            return;
        }

        if (m.Tool is null)
        {
            saga.Answer = m.Answer;
            await EmitAsync(c, "run.answered", new { answer = m.Answer });
            await EndAsync(c, RunStates.Completed, null, null, null);
            return;
        }

        var spec = (await Store(c).SpecAsync(saga.CorrelationId, c.CancellationToken))!;
        if (!spec.AllowedTools.Contains(m.Tool, StringComparer.Ordinal))
        {
            await EndAsync(c, RunStates.Failed, RunFailureReasons.ActionDenied,
                $"The planner chose tool '{m.Tool}', which is not in the run's allowedTools ({string.Join(", ", spec.AllowedTools)}).", saga.StepIndex);
            return;
        }

        var id = (saga.StepIndex + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await StartStepAsync(c, spec, new PlanStep(id, m.Tool, m.Arguments ?? JsonSerializer.SerializeToElement(new { }), null));
    }

    private async Task OnApprovalDecidedAsync(BehaviorContext<AgentRunSaga, RunApprovalDecided> c)
    {
        var saga = c.Saga;
        var m = c.Message;
        if (m.StepIndex != saga.StepIndex)
        {
            return;
        }

        await CancelTimerAsync(c);
        var store = Store(c);
        await store.UpdateStepAsync(saga.CorrelationId, saga.StepIndex,
            new StepChange { State = m.Approved ? StepStates.Running : StepStates.Denied, Finished = !m.Approved },
            new JsonObject { ["kind"] = "approval", ["decision"] = m.Approved ? "approve" : "deny", ["approver"] = m.Approver, ["reason"] = m.Reason },
            c.CancellationToken);
        await EmitAsync(c, "approval.decided", new { index = saga.StepIndex, approved = m.Approved, approver = m.Approver, reason = m.Reason });
        if (!m.Approved)
        {
            await StepEndedAsync(c, RunStepOutcomes.Denied, ErrorKinds.Permanent, $"denied by {m.Approver}", 0);
            await EndAsync(c, RunStates.Failed, RunFailureReasons.ApprovalDenied,
                $"{m.Approver} denied step '{saga.StepId}' ({saga.Tool}){(string.IsNullOrEmpty(m.Reason) ? "." : ": " + m.Reason)}", saga.StepIndex);
            return;
        }

        saga.StepApproved = true;
        await SetRunStateAsync(c, RunStates.Running);
        await ResendStepAsync(c);
    }

    private async Task OnCancelWhileWaitingAsync<T>(BehaviorContext<AgentRunSaga, T> c)
        where T : class
    {
        await CancelTimerAsync(c);
        await Store(c).UpdateStepAsync(c.Saga.CorrelationId, c.Saga.StepIndex, new StepChange { State = StepStates.Skipped, Finished = true },
            new JsonObject { ["kind"] = "cancel", ["decision"] = "cancelled" }, c.CancellationToken);
        c.Saga.CancelRequested = true;
        await AdvanceAsync(c);
    }

    private async Task OnTimerAsync(BehaviorContext<AgentRunSaga, RunTimer> c)
    {
        var saga = c.Saga;
        if (c.Message.Token != saga.TimerToken)
        {
            return;
        }

        saga.TimerToken = null;
        saga.TimerScheduleId = null;
        var state = saga.CurrentState;
        if (state == nameof(Guarding))
        {
            await EndAsync(c, RunStates.Failed, RunFailureReasons.Timeout, $"SafetyGuard did not answer within {_options.ServiceTimeoutSeconds} s.", null);
        }
        else if (state == nameof(Reserving))
        {
            // The reservation may have been made and its answer lost: settle it as if made (releasing an unknown one is refused, harmlessly).
            saga.ReservationId = TransferIds.Reserve(saga.CorrelationId);
            await EndAsync(c, RunStates.Failed, RunFailureReasons.Timeout, $"Billing did not answer the reservation within {_options.ServiceTimeoutSeconds} s.", null);
        }
        else if (state == nameof(Planning))
        {
            await EndAsync(c, RunStates.Failed, RunFailureReasons.Timeout, "The planner did not answer in time.", saga.StepIndex);
        }
        else if (state == nameof(Executing))
        {
            var error = $"no result within {saga.StepTimeoutSeconds + _options.StepDeadlineMarginSeconds} s";
            await Store(c).UpdateStepAsync(saga.CorrelationId, saga.StepIndex,
                new StepChange { State = StepStates.Failed, ErrorKind = ErrorKinds.Permanent, ErrorDetail = error, Finished = true }, null, c.CancellationToken);
            await StepEndedAsync(c, RunStepOutcomes.Failed, ErrorKinds.Permanent, error, 0);
            await EndAsync(c, RunStates.Failed, RunFailureReasons.Timeout, $"Step '{saga.StepId}' ({saga.Tool}) gave {error}.", saga.StepIndex);
        }
        else if (state == nameof(AwaitingApproval))
        {
            await Store(c).UpdateStepAsync(saga.CorrelationId, saga.StepIndex, new StepChange { State = StepStates.Denied, Finished = true },
                new JsonObject { ["kind"] = "approval", ["decision"] = "expired" }, c.CancellationToken);
            await StepEndedAsync(c, RunStepOutcomes.Denied, ErrorKinds.Permanent, "approval expired", 0);
            await EndAsync(c, RunStates.Failed, RunFailureReasons.ApprovalExpired,
                $"Nobody approved step '{saga.StepId}' ({saga.Tool}) in time; it counts as denied.", saga.StepIndex);
        }
        else if (state == nameof(RetryWaiting))
        {
            saga.Attempt++;
            await Store(c).UpdateStepAsync(saga.CorrelationId, saga.StepIndex, new StepChange { State = StepStates.Running }, cancellationToken: c.CancellationToken);
            await EmitAsync(c, "step.started", new { index = saga.StepIndex, id = saga.StepId, tool = saga.Tool, attempt = saga.Attempt });
            await ResendStepAsync(c);
        }
        else if (state == nameof(Settling))
        {
            if (saga.SettleAttempts < 3)
            {
                await SendSettlementAsync(c);
            }
            else
            {
                await FinishAsync(c, null,
                    $"Billing did not confirm the settlement after {saga.SettleAttempts} attempts; an unresolved reservation expires in Billing by itself.");
            }
        }
    }

    /// <summary>Sends the current step again (after approval, or as its next attempt), with the input it started with.</summary>
    private async Task ResendStepAsync(BehaviorContext<AgentRunSaga> c)
    {
        var saga = c.Saga;
        var spec = (await Store(c).SpecAsync(saga.CorrelationId, c.CancellationToken))!;
        var step = (await Store(c).StepAsync(saga.CorrelationId, saga.StepIndex, c.CancellationToken))!;
        await SendStepAsync(c, step.Input ?? JsonSerializer.SerializeToElement(new { }), spec);
    }

    private TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(_options.RetryMaxDelayMs, _options.RetryBaseDelayMs * Math.Pow(2, attempt - 1)));

    /// <summary>Publishes RunStepCompleted and the stream event for the step's end.</summary>
    private static async Task StepEndedAsync(BehaviorContext<AgentRunSaga> c, string outcome, string? errorKind, string? error, long cost)
    {
        var saga = c.Saga;
        var step = await Store(c).StepAsync(saga.CorrelationId, saga.StepIndex, c.CancellationToken);
        var stepCost = step?.Cost ?? cost;
        var duration = step is null ? 0 : (long)(DateTimeOffset.UtcNow - step.StartedAt).TotalMilliseconds;
        await EmitAsync(c, "step.completed", new
        {
            index = saga.StepIndex, id = saga.StepId, tool = saga.Tool, outcome, errorKind, error, cost = stepCost, attempts = saga.Attempt,
            output = step?.Output,
        });
        await Outbox(c).PublishAsync(new RunStepCompleted(saga.CorrelationId, saga.AccountId, saga.StepIndex, saga.StepId, saga.Tool, outcome,
            errorKind, error, stepCost, saga.Attempt, duration, DateTimeOffset.UtcNow), c.CancellationToken);
        AgentsTelemetry.StepsFinished.Add(1, new KeyValuePair<string, object?>("tool", saga.Tool), new KeyValuePair<string, object?>("outcome", outcome));
    }

    // ---- the end: settle, then finish ----

    /// <summary>Decides how the run ends, then settles the reservation (capture what was spent, or release it) or finishes at once without one.</summary>
    private async Task EndAsync(BehaviorContext<AgentRunSaga> c, string outcome, string? reason, string? detail, int? failedStep)
    {
        var saga = c.Saga;
        saga.Outcome = outcome;
        saga.FailureReason = reason;
        saga.FailureDetail = detail;
        saga.FailedStep = failedStep;
        await CancelTimerAsync(c);
        if (saga.ReservationId is null)
        {
            await FinishAsync(c, 0, null);
            return;
        }

        await SetRunStateAsync(c, RunStates.Settling);
        await SendSettlementAsync(c);
        await c.TransitionToState(Settling);
    }

    private async Task SendSettlementAsync(BehaviorContext<AgentRunSaga> c)
    {
        var saga = c.Saga;
        var charge = Math.Min(saga.Spent, saga.Reserved);
        var address = new OutboxAddressing { ResponseAddress = c.ReceiveContext.InputAddress };
        if (charge > 0)
        {
            await Outbox(c).PublishAsync(new CaptureCredits(TransferIds.Capture(saga.CorrelationId), saga.AccountId, saga.ReservationId!, charge),
                c.CancellationToken, address);
        }
        else
        {
            await Outbox(c).PublishAsync(new ReleaseCredits(TransferIds.Release(saga.CorrelationId), saga.AccountId, saga.ReservationId!),
                c.CancellationToken, address);
        }

        saga.SettleAttempts++;
        await SetTimerAsync(c, TimerPurposes.Service, TimeSpan.FromSeconds(_options.ServiceTimeoutSeconds));
    }

    private async Task FinishAsync(BehaviorContext<AgentRunSaga> c, long? charged, string? settlement)
    {
        var saga = c.Saga;
        await CancelTimerAsync(c);
        var outcome = saga.Outcome ?? RunStates.Completed;
        if (saga.Spent > saga.Reserved && saga.ReservationId is not null)
        {
            settlement += $"; the steps cost {saga.Spent}, {saga.Spent - saga.Reserved} more than the reservation, which was not charged";
        }

        await Store(c).UpdateRunAsync(saga.CorrelationId, new RunChange
        {
            State = outcome,
            Charged = charged,
            Settlement = settlement,
            FailureReason = saga.FailureReason,
            FailureDetail = saga.FailureDetail,
            FailedStep = saga.FailedStep,
            Answer = saga.Answer,
            Finished = true,
        }, c.CancellationToken);

        var now = DateTimeOffset.UtcNow;
        if (outcome == RunStates.Completed)
        {
            await EmitAsync(c, "run.completed", new { state = outcome, steps = saga.StepsCompleted, charged, settlement });
            await Outbox(c).PublishAsync(new RunCompleted(saga.CorrelationId, saga.AccountId, saga.StepsCompleted, charged ?? 0, now), c.CancellationToken);
        }
        else
        {
            await EmitAsync(c, "run.failed", new { state = outcome, reason = saga.FailureReason, detail = saga.FailureDetail, failedStep = saga.FailedStep, charged, settlement });
            await Outbox(c).PublishAsync(new RunFailed(saga.CorrelationId, saga.AccountId, saga.FailureReason!, saga.FailureDetail ?? "", saga.FailedStep,
                saga.StepsCompleted, charged ?? 0, now), c.CancellationToken);
        }

        AgentsTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>("state", outcome));
        AgentsTelemetry.RunDuration.Record((now - saga.SubmittedAt).TotalSeconds, new KeyValuePair<string, object?>("state", outcome));
        Logger(c).LogInformation("Run {RunId} ended {State} ({Reason}); spent {Spent}, charged {Charged}",
            saga.CorrelationId, outcome, saga.FailureReason ?? "-", saga.Spent, charged);
        await c.TransitionToState(Final);
    }

    // ---- helpers ----

    private static async Task SetRunStateAsync(BehaviorContext<AgentRunSaga> c, string state)
    {
        await Store(c).UpdateRunAsync(c.Saga.CorrelationId, new RunChange { State = state }, c.CancellationToken);
        await EmitAsync(c, "run.state", new { state });
    }

    private static Task EmitAsync(BehaviorContext<AgentRunSaga> c, string type, object data) =>
        Store(c).AppendEventAsync(c.Saga.CorrelationId, ++c.Saga.EventSeq, type, data, c.CancellationToken);

    private static async Task SetTimerAsync(BehaviorContext<AgentRunSaga> c, string purpose, TimeSpan delay)
    {
        await CancelTimerAsync(c);
        var token = NewId.NextGuid();
        var scheduler = c.GetPayload<MessageSchedulerContext>();
        var scheduled = await scheduler.ScheduleSend(c.ReceiveContext.InputAddress!, DateTime.UtcNow + delay,
            new RunTimer(c.Saga.CorrelationId, token, purpose), c.CancellationToken);
        c.Saga.TimerToken = token;
        c.Saga.TimerScheduleId = scheduled.TokenId;
    }

    private static async Task CancelTimerAsync(BehaviorContext<AgentRunSaga> c)
    {
        if (c.Saga.TimerScheduleId is { } id)
        {
            await c.GetPayload<MessageSchedulerContext>().CancelScheduledSend(c.ReceiveContext.InputAddress!, id, c.CancellationToken);
        }

        c.Saga.TimerToken = null;
        c.Saga.TimerScheduleId = null;
    }

    private static RunStore Store(BehaviorContext<AgentRunSaga> c) => c.GetServiceOrCreateInstance<RunStore>();

    private static TransactionalOutbox Outbox(BehaviorContext<AgentRunSaga> c) => c.GetServiceOrCreateInstance<TransactionalOutbox>();

    private static ILogger Logger(BehaviorContext<AgentRunSaga> c) => c.GetServiceOrCreateInstance<ILogger<AgentRunStateMachine>>();
}
