namespace Platform.Inference.Models;

/// <summary>Reads the model repository while the host starts, so manifest problems are logged at once, not on the first request.</summary>
public sealed class ModelRepositoryStartup(ModelRepository repository) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = repository.All;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
