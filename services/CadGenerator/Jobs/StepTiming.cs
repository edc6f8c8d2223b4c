namespace Platform.CadGenerator.Jobs;

/// <summary>How long one step of a job took (render includes the wait for a free renderer, shown apart).</summary>
public sealed record StepTiming(string Step, DateTimeOffset StartedAt, long DurationMs, long? QueueMs = null);
