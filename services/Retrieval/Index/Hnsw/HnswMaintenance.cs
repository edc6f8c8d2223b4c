namespace Platform.Retrieval.Index.Hnsw;

/// <summary>
/// Loads the saved graphs at start, then writes changed graphs to their files every
/// <see cref="HnswOptions.FlushInterval"/>, and once more on shutdown. A crash loses at most one
/// interval of file writes, never data: the database has every point, and a stale file is rebuilt.
/// </summary>
public sealed class HnswMaintenance(HnswVectorIndex index, HnswOptions options, ILogger<HnswMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await index.WarmAsync(stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Loading the saved indexes from {Directory} failed; collections load on first use instead", index.Directory);
        }

        using var timer = new PeriodicTimer(options.FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await index.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogError(e, "Writing the indexes to {Directory} failed; will retry", index.Directory);
        }
    }
}
