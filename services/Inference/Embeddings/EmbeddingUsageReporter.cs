using System.Threading.Channels;
using MassTransit;
using Platform.Contracts.Billing;
using Platform.Inference.Models;

namespace Platform.Inference.Embeddings;

/// <summary>
/// Reports HTTP embedding usage to Billing (<see cref="RecordUsage"/>, kind <c>embedding</c>,
/// embedding tokens) after the answer went out, so a slow or absent Billing never delays embeddings,
/// which sit on the ingestion hot path. One transfer id per request (<c>embed:{guid}</c>). The queue is
/// in memory and bounded: a report dropped when it is full, or still queued when the process dies, is
/// lost, and logged/counted (<c>platform.inference.embedding.usage_reports</c>, outcome <c>dropped</c>).
/// </summary>
public sealed class EmbeddingUsageReporter(IClientFactory clients, ILogger<EmbeddingUsageReporter> logger) : BackgroundService
{
    public const string Kind = "embedding";
    private const int Capacity = 10_000;

    private readonly Channel<RecordUsage> _queue = Channel.CreateBounded<RecordUsage>(new BoundedChannelOptions(Capacity)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Report(Guid accountId, string model, int tokens)
    {
        var message = new RecordUsage($"embed:{Guid.NewGuid():N}", accountId, Kind, model, null, 0, 0, tokens, 0, 0);
        if (!_queue.Writer.TryWrite(message))
        {
            OnnxTelemetry.UsageReports.Add(1, new KeyValuePair<string, object?>("outcome", "dropped"));
            logger.LogError("Usage queue full: dropped {TransferId} for account {AccountId} ({EmbeddingTokens} tokens, model {Model})",
                message.TransferId, accountId, tokens, model);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = clients.CreateRequestClient<RecordUsage>();
        await foreach (var usage in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            string outcome;
            try
            {
                var response = await client.GetResponse<UsageRecorded, InsufficientCredits, LedgerRejected>(usage, stoppingToken);
                outcome = response.Message switch
                {
                    UsageRecorded => "recorded",
                    InsufficientCredits => "insufficient-credits",
                    _ => "rejected",
                };
                if (response.Message is LedgerRejected rejected)
                {
                    logger.LogError("Billing rejected usage {TransferId} of account {AccountId}: {Reason} {Detail}",
                        usage.TransferId, usage.AccountId, rejected.Reason, rejected.Detail);
                }
            }
            catch (Exception exception) when (exception is RequestTimeoutException or RequestFaultException)
            {
                outcome = "failed";
                logger.LogError(exception, "Usage {TransferId} of account {AccountId} could not be reported to Billing", usage.TransferId, usage.AccountId);
            }

            OnnxTelemetry.UsageReports.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
