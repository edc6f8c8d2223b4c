namespace Platform.Contracts.CadGenerator;

// CadGenerator's bus API for the other services (Agents' cad.generate tool). The bus is the platform's
// inside: its callers are services, which say whose account the job is for; accounts reach CadGenerator
// only through its HTTP API with their own key.

/// <summary>
/// Submits a job for <paramref name="AccountId"/>: a <paramref name="Prompt"/>, or a <paramref name="Template"/> with
/// optional <paramref name="Parameters"/>. <paramref name="IdempotencyKey"/> (1-255 visible ASCII characters, per account)
/// makes a resubmission answer the job it made. With <paramref name="Funding"/> the job is paid from the caller's
/// reservation (metered against it, never reserved, captured or released by the job). Answered with
/// <see cref="CadJobAccepted"/> or <see cref="CadJobRejected"/>.
/// </summary>
public sealed record SubmitCadJob(
    Guid AccountId,
    string IdempotencyKey,
    string? Prompt,
    string? Template,
    IReadOnlyDictionary<string, double>? Parameters,
    CadJobFunding? Funding);

/// <summary>
/// A job paid from a reservation the caller holds (e.g. an agent run's budget): the render and the designer's tokens
/// are metered against <paramref name="ReservationId"/> (Billing prices them; the caller's capture settles them) and the
/// job reports their full charge, so the caller captures all the usage recorded against its reservation.
/// <paramref name="Limit"/> is the caller's estimate of the job's cost (above 0); <paramref name="RunId"/> labels the usage record.
/// </summary>
public sealed record CadJobFunding(string ReservationId, long Limit, string? RunId);

/// <summary>The job exists (<paramref name="Replayed"/>: made earlier for the same key and request).</summary>
public sealed record CadJobAccepted(Guid JobId, Guid AccountId, string State, bool Replayed);

/// <summary>
/// Nothing was made. <paramref name="Reason"/>: <c>invalid</c> (<paramref name="Field"/> names the argument) or
/// <c>idempotency-conflict</c> (the key made another job from a different request).
/// </summary>
public sealed record CadJobRejected(Guid AccountId, string Reason, string? Field, string Detail);

/// <summary>Asks for a job's state; answered with <see cref="CadJobStatus"/> (<c>Found</c> false for unknown ids and other accounts' jobs).</summary>
public sealed record GetCadJob(Guid AccountId, Guid JobId);

/// <summary>
/// A job as its owner sees it. <paramref name="State"/>: queued, designing, rendering, validating, done or failed
/// (then <paramref name="FailedStep"/> and <paramref name="FailureReason"/>). <paramref name="Charged"/>: micro-credits
/// captured, or metered against the funding reservation.
/// </summary>
public sealed record CadJobStatus(
    Guid JobId,
    bool Found,
    string? State,
    string? TemplateId,
    IReadOnlyDictionary<string, double>? Parameters,
    string? FailedStep,
    string? FailureReason,
    long Charged,
    long RenderMilliseconds,
    int Triangles,
    double Volume,
    IReadOnlyList<string> Notes);
