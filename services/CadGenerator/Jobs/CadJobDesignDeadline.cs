namespace Platform.CadGenerator.Jobs;

/// <summary>Scheduled when a job asks the LLM for a design: if it arrives first, the prompt parser designs the job instead.</summary>
public sealed record CadJobDesignDeadline(Guid JobId);
