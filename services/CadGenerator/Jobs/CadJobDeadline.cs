namespace Platform.CadGenerator.Jobs;

/// <summary>Scheduled when a job starts: if it arrives before the job settled, the job fails (step timeout).</summary>
public sealed record CadJobDeadline(Guid JobId);
