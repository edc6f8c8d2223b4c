using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Storage;

namespace Platform.Messaging;

/// <summary>
/// The loop shared by the scheduler and the outbox relay: work through a table in batches, go
/// straight on while batches come back full, otherwise wait; a failed batch leaves its rows for the
/// next round, so nothing is lost, only delayed.
/// </summary>
public abstract class BatchPoller(IServiceProvider services, string databaseName, int batchSize, ILogger logger) : BackgroundService
{
    protected IServiceProvider Services { get; } = services;

    protected ILogger Logger { get; } = logger;

    /// <summary>Handles one batch; returns how many rows it handled.</summary>
    protected abstract Task<int> PollOnceAsync(Database database, CancellationToken cancellationToken);

    /// <summary>Waits before the next round when the last batch was not full.</summary>
    protected abstract Task WaitAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var database = Services.GetRequiredKeyedService<Database>(databaseName);
        if (!await WaitForHostStartedAsync(stoppingToken))
        {
            return;
        }

        // Stop at "application stopping", before any hosted service stops: hosted services stop in reverse
        // order, and a poller still sending once the bus has stopped fails on a stopped transport (its rows
        // would stay anyway; the next start sends them).
        var lifetime = Services.GetService<IHostApplicationLifetime>();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime?.ApplicationStopping ?? CancellationToken.None);
        var token = stopping.Token;
        while (!token.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await PollOnceAsync(database, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                Logger.LogWarning(exception, "{Poller} failed a batch; its rows stay for the next round", GetType().Name);
            }

            if (handled < batchSize)
            {
                try
                {
                    await WaitAsync(token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    // Hosted services start in registration order and a poller may be registered before the bus. Rows
    // left by an earlier run must not be sent before the bus and its receive endpoints are up: on the
    // in-memory transport a message published before its queue is bound is dropped (lost, not
    // delayed). The bus hosted service waits until the bus has started, so "application started"
    // means the bus is ready.
    private async Task<bool> WaitForHostStartedAsync(CancellationToken stoppingToken)
    {
        var lifetime = Services.GetService<IHostApplicationLifetime>();
        if (lifetime is null || lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return true;
        }

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
