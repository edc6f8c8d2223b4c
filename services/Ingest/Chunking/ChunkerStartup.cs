namespace Platform.Ingest.Chunking;

/// <summary>Loads the chunker's vocabulary while the host starts, so a bad one stops the service and the chosen measure is logged at once.</summary>
public sealed class ChunkerStartup(DocumentChunker chunker) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = chunker.Tokenizer;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
