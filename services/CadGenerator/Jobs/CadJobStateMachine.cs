using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts.Billing;
using Platform.CadGenerator.Design;
using Platform.CadGenerator.Templates;
using Platform.Contracts.CadGenerator;
using Platform.Contracts.Inference;
using Platform.Contracts.SafetyGuard;
using Platform.Messaging.Outbox;

namespace Platform.CadGenerator.Jobs;

/// <summary>
/// CadJobSaga: guard the prompt (SafetyGuard CheckPrompt; template jobs have no text to check) ->
/// reserve credits -> [prompt jobs, when an LLM designer is configured: ask Inference (Generate);
/// no route, a failure or no answer in time leaves the design to the prompt parser] -> produce the
/// model (design, render, validate) -> meter the render time and the LLM's tokens (Billing prices
/// them) -> capture that price from the reservation -> CadJobCompleted; any failure after the
/// reservation releases it -> CadJobFailed. A job submitted with funding (SubmitCadJob from Agents) is
/// paid from the caller's reservation instead: no reserve, the usage is metered against that reservation,
/// and neither capture nor release (the caller settles its reservation once). A deadline fails a job that does not settle. Billing's
/// answers come back to this saga's queue (the commands carry it as their response address) and
/// find the job by their transfer id. SafetyGuard's and Inference's answers carry no job id: their
/// requests are sent with the job id as request id, which the answers echo.
/// CadJobCompleted and CadJobFailed are written to the service's transactional outbox in the same
/// transaction as the saga's final state, so a crash can neither lose them nor publish them for a
/// state change that did not commit.
/// </summary>
public sealed class CadJobStateMachine : MassTransitStateMachine<CadJobSaga>
{
    private readonly CadJobOptions _settings;
    private readonly LlmDesignOptions _design;

    public CadJobStateMachine(IOptions<CadJobOptions> options, IOptions<LlmDesignOptions> designOptions)
    {
        var settings = _settings = options.Value;
        var design = _design = designOptions.Value;
        InstanceState(x => x.CurrentState);

        Event(() => Submitted, e => e.CorrelateById(c => c.Message.JobId));
        Event(() => Guarded, e =>
        {
            e.CorrelateById(c => c.RequestId ?? Guid.Empty);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => Designed, e =>
        {
            e.CorrelateById(c => c.RequestId ?? Guid.Empty);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => DesignFailed, e =>
        {
            e.CorrelateById(c => c.RequestId ?? Guid.Empty);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => Produced, e =>
        {
            e.CorrelateById(c => c.Message.JobId);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => Reserved, e => ByTransfer(e, c => c.Message.TransferId));
        Event(() => Insufficient, e => ByTransfer(e, c => c.Message.TransferId));
        Event(() => Rejected, e => ByTransfer(e, c => c.Message.TransferId));
        Event(() => Metered, e => ByTransfer(e, c => c.Message.TransferId));
        Event(() => Captured, e => ByTransfer(e, c => c.Message.TransferId));
        Event(() => Released, e => ByTransfer(e, c => c.Message.TransferId));
        Schedule(() => Deadline, x => x.DeadlineToken, s =>
        {
            s.Delay = TimeSpan.FromSeconds(settings.JobTimeoutSeconds);
            s.Received = e => e.CorrelateById(c => c.Message.JobId);
        });
        Schedule(() => DesignDeadline, x => x.DesignDeadlineToken, s =>
        {
            s.Delay = TimeSpan.FromSeconds(design.TimeoutSeconds);
            s.Received = e =>
            {
                e.CorrelateById(c => c.Message.JobId);
                e.OnMissingInstance(m => m.Discard());
            };
        });

        // Late or repeated answers (a redelivery after the saga moved on) change nothing.
        OnUnhandledEvent(c => c.Ignore());

        // CadJobSubmitted arrives at least once (the outbox relay, a broker restart). A repeat while the saga
        // runs is an unhandled event (ignored); a repeat after it finished must not start the job again.
        Initially(
            When(Submitted)
                .IfElseAsync(IsQueuedAsync,
                    start => start
                        .Then(c =>
                        {
                            c.Saga.AccountId = c.Message.AccountId;
                            c.Saga.SubmittedAt = c.Message.SubmittedAt;
                            c.Saga.Prompt = c.Message.Prompt;
                            c.Saga.StepStartedAt = DateTimeOffset.UtcNow;
                            c.Saga.Funding = c.Message.Funding;
                        })
                        .Schedule(Deadline, c => new CadJobDeadline(c.Saga.CorrelationId))
                        .IfElse(c => c.Message.Prompt is not null && settings.GuardPrompts,
                            guard => guard
                                .ThenAsync(c => Request(c, new CheckPrompt(c.Saga.AccountId, c.Message.Prompt!), c.Saga.CorrelationId))
                                .TransitionTo(Guarding),
                            pay => Pay(pay)),
                    repeat => repeat
                        .Then(c => c.GetServiceOrCreateInstance<ILogger<CadJobStateMachine>>().LogInformation(
                            "CadJobSubmitted for job {JobId} again after the job started or ended; ignored", c.Message.JobId))
                        .Finalize()));

        During(Guarding,
            Pay(When(Guarded, c => c.Message.Decision is "allow" or "redact")
                .ThenAsync(c => Step(c, CadJobSteps.Guard))),
            When(Guarded, c => c.Message.Decision is not ("allow" or "redact"))
                .ThenAsync(c => FailAsync(c, CadJobSteps.Guard,
                    $"SafetyGuard did not allow the prompt (decision {c.Message.Decision}, rules {string.Join(", ", c.Message.RuleIds)}, decision id {c.Message.DecisionId})."))
                .Unschedule(Deadline)
                .Finalize(),
            When(Deadline.Received)
                .ThenAsync(c => FailAsync(c, CadJobSteps.Timeout, $"SafetyGuard did not answer within {settings.JobTimeoutSeconds} s."))
                .Finalize());

        During(Reserving,
            StartWork(When(Reserved)
                .Then(c =>
                {
                    c.Saga.ReservationId = c.Message.TransferId;
                    c.Saga.Reserved = c.Message.Amount;
                })
                .ThenAsync(c => Step(c, CadJobSteps.Reserve))),
            When(Insufficient)
                .ThenAsync(c => FailAsync(c, CadJobSteps.Reserve,
                    $"Insufficient credits: the job reserves {c.Message.Requested} micro-credits and {c.Message.Available} are available."))
                .Unschedule(Deadline)
                .Finalize(),
            When(Rejected)
                .ThenAsync(c => FailAsync(c, CadJobSteps.Reserve, $"Billing refused the reservation ({c.Message.Reason}): {c.Message.Detail}"))
                .Unschedule(Deadline)
                .Finalize(),
            When(Deadline.Received)
                .ThenAsync(c => FailAsync(c, CadJobSteps.Timeout, $"Billing did not answer the reservation within {settings.JobTimeoutSeconds} s."))
                .Finalize());

        // The LLM's answer is not trusted here: the producer checks it (template ranges, static .scad check)
        // and fails the job at design, with the reason, when it is refused. No answer is not a failure.
        During(Designing,
            When(Designed)
                .Unschedule(DesignDeadline)
                .Then(c =>
                {
                    c.Saga.DesignModel = c.Message.Model;
                    c.Saga.DesignInputTokens = c.Message.InputTokens;
                    c.Saga.DesignOutputTokens = c.Message.OutputTokens;
                })
                .ThenAsync(c => Produce(c, new ProduceCadModel(c.Saga.CorrelationId,
                    new DesignProposal(c.Message.Model, c.Message.Route, c.Message.Content, c.Message.FinishReason), null, c.Saga.DesignStartedAt)))
                .TransitionTo(Producing),
            When(DesignFailed)
                .Unschedule(DesignDeadline)
                .ThenAsync(c => Produce(c, new ProduceCadModel(c.Saga.CorrelationId, null,
                    $"No LLM designed this job (Inference answered {c.Message.Reason}: {c.Message.Detail}); the prompt parser did.", c.Saga.DesignStartedAt)))
                .TransitionTo(Producing),
            When(DesignDeadline.Received)
                .ThenAsync(c => Produce(c, new ProduceCadModel(c.Saga.CorrelationId, null,
                    $"No LLM designed this job (Inference did not answer within {design.TimeoutSeconds} s); the prompt parser did.", c.Saga.DesignStartedAt)))
                .TransitionTo(Producing),
            ReleaseThenFail(When(Deadline.Received)
                .Unschedule(DesignDeadline)
                .Then(c => Remember(c.Saga, CadJobSteps.Timeout, $"The job did not finish within {settings.JobTimeoutSeconds} s."))));

        During(Producing,
            When(Produced, c => c.Message.Succeeded)
                .Then(c =>
                {
                    c.Saga.TemplateId = c.Message.TemplateId;
                    c.Saga.Triangles = c.Message.Triangles;
                    c.Saga.Volume = c.Message.Volume;
                    c.Saga.RenderMilliseconds = c.Message.RenderMilliseconds;
                    c.Saga.StepStartedAt = DateTimeOffset.UtcNow;
                })
                .ThenAsync(c => Request(c,
                    new RecordUsage(TransferIds.Usage(c.Saga.CorrelationId), c.Saga.AccountId, "cad-render",
                        c.Saga.DesignInputTokens + c.Saga.DesignOutputTokens > 0 ? c.Saga.DesignModel : null,
                        c.Saga.Funding?.RunId ?? c.Saga.CorrelationId.ToString(),
                        c.Saga.DesignInputTokens, c.Saga.DesignOutputTokens, 0, c.Message.RenderMilliseconds, 0, c.Saga.ReservationId)))
                .TransitionTo(Metering),
            ReleaseThenFail(When(Produced, c => !c.Message.Succeeded)
                .Then(c => Remember(c.Saga, c.Message.FailedStep ?? CadJobSteps.Render, c.Message.Reason ?? "The model could not be produced."))),
            ReleaseThenFail(When(Deadline.Received)
                .Then(c => Remember(c.Saga, CadJobSteps.Timeout, $"The job did not finish within {settings.JobTimeoutSeconds} s."))));

        // Billing captures 1 micro-credit or more: a free job (no render price set, as in a fresh
        // standalone install) releases its reservation and is done. Should that release be lost, the
        // reservation expires in Billing by itself.
        // A job paid from a caller's reservation is settled by the caller's capture: metered is done. Its charge is
        // reported in full, as Billing recorded it against that reservation: the caller captures what its steps
        // report, so a charge cut to the funding's limit would leave usage recorded on the reservation uncaptured
        // (and uncounted in the caller's budget). Capping the capture at its reservation is the caller's to do.
        During(Metering,
            When(Metered, c => c.Saga.Funding is not null)
                .ThenAsync(c => CompleteAsync(c, c.Message.Charge))
                .Unschedule(Deadline)
                .Finalize(),
            When(Metered, c => c.Saga.Funding is null && Math.Min(c.Message.Charge, c.Saga.Reserved) <= 0)
                .ThenAsync(c => Request(c, new ReleaseCredits(TransferIds.Release(c.Saga.CorrelationId), c.Saga.AccountId, c.Saga.ReservationId!)))
                .ThenAsync(c => CompleteAsync(c, 0))
                .Unschedule(Deadline)
                .Finalize(),
            When(Metered, c => c.Saga.Funding is null && Math.Min(c.Message.Charge, c.Saga.Reserved) > 0)
                .Then(c => c.Saga.Charge = Math.Min(c.Message.Charge, c.Saga.Reserved))
                .ThenAsync(c => Request(c,
                    new CaptureCredits(TransferIds.Capture(c.Saga.CorrelationId), c.Saga.AccountId, c.Saga.ReservationId!, c.Saga.Charge)))
                .TransitionTo(Capturing),
            ReleaseThenFail(When(Rejected)
                .Then(c => Remember(c.Saga, CadJobSteps.Settle, $"Billing refused to meter the render ({c.Message.Reason}): {c.Message.Detail}"))),
            ReleaseThenFail(When(Insufficient)
                .Then(c => Remember(c.Saga, CadJobSteps.Settle, "Billing refused to meter the render: insufficient credits."))),
            ReleaseThenFail(When(Deadline.Received)
                .Then(c => Remember(c.Saga, CadJobSteps.Timeout, $"Billing did not meter the render within {settings.JobTimeoutSeconds} s."))));

        During(Capturing,
            When(Captured)
                .ThenAsync(c => CompleteAsync(c, c.Message.Captured))
                .Unschedule(Deadline)
                .Finalize(),
            ReleaseThenFail(When(Rejected)
                .Then(c => Remember(c.Saga, CadJobSteps.Settle, $"Billing refused the capture ({c.Message.Reason}): {c.Message.Detail}"))),
            ReleaseThenFail(When(Deadline.Received)
                .Then(c => Remember(c.Saga, CadJobSteps.Timeout, $"Billing did not capture within {settings.JobTimeoutSeconds} s."))));

        // The job fails whether or not the release is confirmed: a reservation Billing cannot void
        // (already expired or resolved) holds nothing any more. The deadline is set again on the way
        // in, so an unanswered release still ends the job (the reservation then expires in Billing).
        During(Releasing,
            When(Released)
                .ThenAsync(c => FailAsync(c, c.Saga.FailedStep!, c.Saga.FailureReason!))
                .Unschedule(Deadline)
                .Finalize(),
            When(Rejected)
                .ThenAsync(c => FailAsync(c, c.Saga.FailedStep!, c.Saga.FailureReason!))
                .Unschedule(Deadline)
                .Finalize(),
            When(Deadline.Received)
                .ThenAsync(c => FailAsync(c, c.Saga.FailedStep!, c.Saga.FailureReason!))
                .Finalize());

        SetCompletedWhenFinalized();
    }

    public State Guarding { get; private set; } = null!;

    public State Reserving { get; private set; } = null!;

    public State Designing { get; private set; } = null!;

    public State Producing { get; private set; } = null!;

    public State Metering { get; private set; } = null!;

    public State Capturing { get; private set; } = null!;

    public State Releasing { get; private set; } = null!;

    public Event<CadJobSubmitted> Submitted { get; private set; } = null!;

    public Event<PromptChecked> Guarded { get; private set; } = null!;

    public Event<Generated> Designed { get; private set; } = null!;

    public Event<GenerationFailed> DesignFailed { get; private set; } = null!;

    public Event<CadModelProduced> Produced { get; private set; } = null!;

    public Event<CreditsReserved> Reserved { get; private set; } = null!;

    public Event<InsufficientCredits> Insufficient { get; private set; } = null!;

    public Event<LedgerRejected> Rejected { get; private set; } = null!;

    public Event<UsageRecorded> Metered { get; private set; } = null!;

    public Event<CreditsCaptured> Captured { get; private set; } = null!;

    public Event<CreditsReleased> Released { get; private set; } = null!;

    public Schedule<CadJobSaga, CadJobDeadline> Deadline { get; private set; } = null!;

    public Schedule<CadJobSaga, CadJobDesignDeadline> DesignDeadline { get; private set; } = null!;

    private static void ByTransfer<T>(IEventCorrelationConfigurator<CadJobSaga, T> e, Func<ConsumeContext<T>, string?> transferId)
        where T : class
    {
        e.CorrelateById(c => TransferIds.JobOf(transferId(c)));
        e.OnMissingInstance(m => m.Discard());
    }

    private static CadJobStore Store<T>(BehaviorContext<CadJobSaga, T>  c)
        where T : class => c.GetServiceOrCreateInstance<CadJobStore>();

    /// <summary>
    /// The work order goes through the transactional outbox, in the saga's transaction: a crash right after
    /// the commit cannot strand the job in Producing until its deadline.
    /// </summary>
    private static Task Produce<T>(BehaviorContext<CadJobSaga, T> c, ProduceCadModel command)
        where T : class => c.GetServiceOrCreateInstance<TransactionalOutbox>().PublishAsync(command, c.CancellationToken);

    /// <summary>
    /// A request to another service (Billing, SafetyGuard, Inference), written to the transactional outbox in
    /// the saga's transaction and answered to this saga's queue: it leaves if and only if the state that waits
    /// for its answer committed, so a crash between the two can neither strand the job nor send for a state
    /// that rolled back. SafetyGuard's and Inference's answers carry no job id and find the job by
    /// <paramref name="requestId"/>; Billing's find it by their transfer id.
    /// </summary>
    private static Task Request<T, TMessage>(BehaviorContext<CadJobSaga, T> c, TMessage message, Guid? requestId = null)
        where T : class
        where TMessage : class =>
        c.GetServiceOrCreateInstance<TransactionalOutbox>().PublishAsync(message, c.CancellationToken,
            new OutboxAddressing { RequestId = requestId, ResponseAddress = c.ReceiveContext.InputAddress });

    private static async Task CompleteAsync<T>(BehaviorContext<CadJobSaga, T> c, long charged)
        where T : class
    {
        await Step(c, CadJobSteps.Settle);
        await Store(c).CompleteAsync(c.Saga.CorrelationId, charged, c.CancellationToken);
        Finished(c.Saga, CadJobStates.Done);
        await JobEvents(c).CompletedAsync(new CadJobCompleted(c.Saga.CorrelationId, c.Saga.AccountId, c.Saga.TemplateId ?? "", c.Saga.Triangles,
            c.Saga.Volume, c.Saga.RenderMilliseconds, charged, DateTimeOffset.UtcNow), c.CancellationToken);
    }

    private static async Task<bool> IsQueuedAsync(BehaviorContext<CadJobSaga, CadJobSubmitted> c) =>
        (await Store(c).GetAsync(c.Message.JobId, c.CancellationToken))?.State == CadJobStates.Queued;

    private static CadJobEvents JobEvents<T>(BehaviorContext<CadJobSaga, T> c)
        where T : class => c.GetServiceOrCreateInstance<CadJobEvents>();

    private async Task AskDesignerAsync<T>(BehaviorContext<CadJobSaga, T> c)
        where T : class
    {
        c.Saga.DesignStartedAt = DateTimeOffset.UtcNow;
        await Store(c).SetStateAsync(c.Saga.CorrelationId, CadJobStates.Designing, c.CancellationToken);
        var library = c.GetServiceOrCreateInstance<TemplateLibrary>();
        await Request(c,
            new Generate(c.Saga.AccountId, _design.Model, LlmDesignPrompt.Build(library, c.Saga.Prompt!), _design.MaxTokens, _design.Temperature,
                c.Saga.CorrelationId.ToString()),
            c.Saga.CorrelationId);
    }

    /// <summary>
    /// Pays for the job: from the caller's reservation when it came with funding (nothing to reserve), else by reserving
    /// <see cref="CadJobOptions.ReserveMicroCredits"/> from the account.
    /// </summary>
    private EventActivityBinder<CadJobSaga, T> Pay<T>(EventActivityBinder<CadJobSaga, T> binder)
        where T : class =>
        binder.IfElse(c => c.Saga.Funding is not null,
            funded => StartWork(funded.Then(c =>
            {
                c.Saga.ReservationId = c.Saga.Funding!.ReservationId;
                c.Saga.Reserved = c.Saga.Funding.Limit;
            })),
            owned => owned
                .ThenAsync(ReserveAsync)
                .TransitionTo(Reserving));

    /// <summary>Once paid for: ask the LLM designer (prompt jobs, when one is configured) or produce the model at once.</summary>
    private EventActivityBinder<CadJobSaga, T> StartWork<T>(EventActivityBinder<CadJobSaga, T> binder)
        where T : class =>
        binder.IfElse(c => c.Saga.Prompt is not null && _design.Enabled,
            ask => ask
                .ThenAsync(AskDesignerAsync)
                .Schedule(DesignDeadline, c => new CadJobDesignDeadline(c.Saga.CorrelationId))
                .TransitionTo(Designing),
            produce => produce
                .ThenAsync(c => Produce(c, new ProduceCadModel(c.Saga.CorrelationId)))
                .TransitionTo(Producing));

    /// <summary>
    /// A failure after the job was paid for: release the job's own reservation, then fail (the deadline is set again,
    /// so an unanswered release still ends the job). A caller's reservation is the caller's to settle: fail at once.
    /// </summary>
    private EventActivityBinder<CadJobSaga, T> ReleaseThenFail<T>(EventActivityBinder<CadJobSaga, T> binder)
        where T : class =>
        binder.IfElse(c => c.Saga.Funding is not null,
            funded => funded
                .ThenAsync(c => FailAsync(c, c.Saga.FailedStep!, c.Saga.FailureReason!))
                .Unschedule(Deadline)
                .Finalize(),
            owned => owned
                .ThenAsync(ReleaseAsync)
                .Schedule(Deadline, c => new CadJobDeadline(c.Saga.CorrelationId))
                .TransitionTo(Releasing));

    private static void Remember(CadJobSaga saga, string step, string reason)
    {
        saga.FailedStep ??= step;
        saga.FailureReason ??= reason;
        saga.StepStartedAt = DateTimeOffset.UtcNow;
    }

    private static async Task Step<T>(BehaviorContext<CadJobSaga, T> c, string step)
        where T : class
    {
        var now = DateTimeOffset.UtcNow;
        await Store(c).AddStepAsync(c.Saga.CorrelationId,
            new StepTiming(step, c.Saga.StepStartedAt, (long)(now - c.Saga.StepStartedAt).TotalMilliseconds), c.CancellationToken);
        c.Saga.StepStartedAt = now;
    }

    private Task ReserveAsync<T>(BehaviorContext<CadJobSaga, T> c)
        where T : class =>
        Request(c, new ReserveCredits(TransferIds.Reserve(c.Saga.CorrelationId), c.Saga.AccountId, _settings.ReserveMicroCredits, _settings.ReservationTimeoutSeconds));

    private static async Task ReleaseAsync<T>(BehaviorContext<CadJobSaga, T> c)
        where T : class
    {
        await Store(c).SetFailureAsync(c.Saga.CorrelationId, c.Saga.FailedStep!, c.Saga.FailureReason!, c.CancellationToken);
        await Request(c, new ReleaseCredits(TransferIds.Release(c.Saga.CorrelationId), c.Saga.AccountId, c.Saga.ReservationId!));
    }

    private static async Task FailAsync<T>(BehaviorContext<CadJobSaga, T> c, string step, string reason)
        where T : class
    {
        Remember(c.Saga, step, reason);
        await Store(c).FailAsync(c.Saga.CorrelationId, c.Saga.FailedStep!, c.Saga.FailureReason!, c.CancellationToken);
        Finished(c.Saga, CadJobStates.Failed);
        await JobEvents(c).FailedAsync(new CadJobFailed(c.Saga.CorrelationId, c.Saga.AccountId, c.Saga.FailedStep!, c.Saga.FailureReason!, DateTimeOffset.UtcNow),
            c.CancellationToken);
    }

    private static void Finished(CadJobSaga saga, string state)
    {
        CadGeneratorTelemetry.JobsFinished.Add(1, new KeyValuePair<string, object?>("state", state));
        CadGeneratorTelemetry.JobDuration.Record((DateTimeOffset.UtcNow - saga.SubmittedAt).TotalSeconds,
            new KeyValuePair<string, object?>("state", state));
    }
}
