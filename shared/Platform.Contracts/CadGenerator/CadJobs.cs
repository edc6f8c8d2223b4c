namespace Platform.Contracts.CadGenerator;

// CadGenerator's job events. A job turns a prompt or a template + parameters into a validated STL;
// it ends with exactly one of CadJobCompleted or CadJobFailed. Charges are integer micro-credits.

/// <summary>
/// A CAD job was accepted (state queued); CadJobSaga takes it from here. <paramref name="Prompt"/> is null for template jobs;
/// <paramref name="Funding"/> is set when a caller's reservation pays for it (see <see cref="SubmitCadJob"/>).
/// </summary>
public sealed record CadJobSubmitted(Guid JobId, Guid AccountId, string? Prompt, DateTimeOffset SubmittedAt, CadJobFunding? Funding = null);

/// <summary>The job's STL is stored and passed every mesh check; <paramref name="Charged"/> micro-credits were captured.</summary>
public sealed record CadJobCompleted(
    Guid JobId, Guid AccountId, string TemplateId, int Triangles, double Volume, long RenderMilliseconds, long Charged, DateTimeOffset CompletedAt);

/// <summary>
/// The job failed at <paramref name="Step"/> (<c>guard</c>, <c>reserve</c>, <c>design</c>, <c>render</c>, <c>validate</c>,
/// <c>settle</c> or <c>timeout</c>) for <paramref name="Reason"/>; any reservation was released.
/// </summary>
public sealed record CadJobFailed(Guid JobId, Guid AccountId, string Step, string Reason, DateTimeOffset FailedAt);
