using System.Text.Json;
using MassTransit;
using Platform.CadGenerator.Templates;
using Platform.Contracts.CadGenerator;

namespace Platform.CadGenerator.Jobs;

/// <summary>
/// CadGenerator's bus API for the other services: SubmitCadJob (the same checks and the same one-transaction
/// submission as POST /v1/cad/jobs, with a mandatory idempotency key) and GetCadJob (the job as its account sees it).
/// </summary>
public sealed class CadJobCommandsConsumer(
    TemplateLibrary library,
    CadJobSubmissions submissions,
    CadJobStore store,
    ILogger<CadJobCommandsConsumer> logger) : IConsumer<SubmitCadJob>, IConsumer<GetCadJob>
{
    public async Task Consume(ConsumeContext<SubmitCadJob> context)
    {
        var m = context.Message;
        var errors = new List<(string Field, string Message)>();
        var parameters = CadJobRequest.Validate(m.Prompt, m.Template,
            m.Parameters?.ToDictionary(p => p.Key, p => JsonSerializer.SerializeToElement(p.Value)), library, (f, e) => errors.Add((f, e)));
        if (m.AccountId == Guid.Empty)
        {
            errors.Add(("accountId", "is required"));
        }

        if (m.IdempotencyKey is null || !CadJobRequest.IsValidKey(m.IdempotencyKey))
        {
            errors.Add(("idempotencyKey", $"must be 1 to {CadJobSubmissions.MaxKeyLength} visible ASCII characters"));
        }

        if (m.Funding is { } funding && (string.IsNullOrEmpty(funding.ReservationId) || funding.Limit <= 0))
        {
            errors.Add(("funding", "needs a reservation id and a limit above 0 micro-credits"));
        }

        if (errors.Count > 0 || parameters is null)
        {
            await context.RespondAsync(new CadJobRejected(m.AccountId, "invalid", errors[0].Field,
                string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}"))));
            return;
        }

        var outcome = await submissions.SubmitAsync(m.AccountId, m.Prompt, m.Template, m.Prompt is null ? parameters : null,
            m.IdempotencyKey, m.Funding, context.CancellationToken);
        if (outcome.Conflict)
        {
            await context.RespondAsync(new CadJobRejected(m.AccountId, "idempotency-conflict", "idempotencyKey",
                $"idempotency key '{m.IdempotencyKey}' already made job {outcome.JobId} from a different request"));
            return;
        }

        logger.LogInformation("CAD job {JobId} {Action} over the bus for account {AccountId} ({Kind}{Funding})", outcome.JobId,
            outcome.Replayed ? "answered again" : "submitted", m.AccountId, m.Prompt is null ? "template " + m.Template : "prompt",
            m.Funding is null ? "" : ", paid from reservation " + m.Funding.ReservationId);
        var job = await store.GetAsync(m.AccountId, outcome.JobId, context.CancellationToken);
        await context.RespondAsync(new CadJobAccepted(outcome.JobId, m.AccountId, job?.State ?? CadJobStates.Queued, outcome.Replayed));
    }

    public async Task Consume(ConsumeContext<GetCadJob> context)
    {
        var m = context.Message;
        var job = await store.GetAsync(m.AccountId, m.JobId, context.CancellationToken);
        await context.RespondAsync(job is null
            ? new CadJobStatus(m.JobId, false, null, null, null, null, null, 0, 0, 0, 0, [])
            : new CadJobStatus(job.Id, true, job.State, job.TemplateId, job.Parameters, job.FailedStep, job.FailureReason,
                job.ChargedMicroCredits ?? 0, job.RenderMilliseconds ?? 0, job.Validation?.Triangles ?? 0, job.Validation?.Volume ?? 0, job.Notes));
    }
}
