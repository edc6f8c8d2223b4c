namespace Platform.CadGenerator.Jobs;

/// <summary>Design, render and validate job <paramref name="JobId"/> (the credits are reserved); answered by <see cref="CadModelProduced"/>.</summary>
public sealed record ProduceCadModel(Guid JobId);
