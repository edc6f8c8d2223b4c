namespace Platform.CadGenerator.Jobs;

/// <summary>
/// Design, render and validate job <paramref name="JobId"/> (the credits are reserved); answered by <see cref="CadModelProduced"/>.
/// <paramref name="Proposal"/> is the LLM's answer when one designed the job; otherwise the template given or the
/// prompt parser designs it, and <paramref name="DesignNote"/> says why no LLM did (when one was asked).
/// <paramref name="DesignStartedAt"/> is when the design step began (asking the LLM), for its timing.
/// </summary>
public sealed record ProduceCadModel(Guid JobId, DesignProposal? Proposal = null, string? DesignNote = null, DateTimeOffset? DesignStartedAt = null);
