using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts.Billing;
using Platform.Contracts.Ingest;

namespace Platform.Ingest.Ingestion;

/// <summary>
/// Meters a document's embedding tokens to Billing (<see cref="RecordUsage"/>, kind <c>embedding</c>,
/// transfer id <c>ingest:{documentId}</c>, so a repeat is answered with the first result and never
/// charged twice) -> <see cref="DocumentUsageMetered"/>, or <see cref="IngestionStepFailed"/> (step
/// <c>meter</c>) when Billing refuses: insufficient credits, no price for the model, unknown account.
/// </summary>
public sealed class MeterDocumentUsageConsumer(
    IRequestClient<RecordUsage> billing, IOptions<IngestionOptions> options, ILogger<MeterDocumentUsageConsumer> logger)
    : IConsumer<MeterDocumentUsage>
{
    public const string Kind = "embedding";

    public static string TransferId(Guid documentId) => $"ingest:{documentId:N}";

    public async Task Consume(ConsumeContext<MeterDocumentUsage> context)
    {
        var message = context.Message;
        var timeout = options.Value.StepTimeoutSeconds;
        var usage = new RecordUsage(
            TransferId(message.DocumentId), message.AccountId, Kind, message.Model, message.DocumentId.ToString(), 0, 0, message.EmbeddingTokens, 0, 0);
        Response<UsageRecorded, InsufficientCredits, LedgerRejected> response;
        try
        {
            response = await billing.GetResponse<UsageRecorded, InsufficientCredits, LedgerRejected>(usage, context.CancellationToken, RequestTimeout.After(s: timeout));
        }
        catch (RequestTimeoutException)
        {
            await FailAsync(context, $"Billing did not answer the RecordUsage request within {timeout} s.");
            return;
        }
        catch (RequestFaultException fault)
        {
            await FailAsync(context, $"Billing failed on the RecordUsage request: {fault.Fault?.Exceptions.FirstOrDefault()?.Message ?? fault.Message}");
            return;
        }

        // GetResponse with several answer types returns Response<T1, T2, T3>: test it with Is, not type patterns.
        if (response.Is(out Response<UsageRecorded>? recorded))
        {
            IngestTelemetry.Charged.Add(recorded.Message.Charge);
            await context.Publish(new DocumentUsageMetered(message.DocumentId, recorded.Message.Charge));
        }
        else if (response.Is(out Response<InsufficientCredits>? insufficient))
        {
            await FailAsync(context,
                $"Insufficient credits: embedding {message.EmbeddingTokens} tokens costs {insufficient.Message.Requested} micro-credits and {insufficient.Message.Available} are available.");
        }
        else
        {
            await FailAsync(context, response.Is(out Response<LedgerRejected>? rejected)
                ? $"Billing refused the usage ({rejected.Message.Reason}): {rejected.Message.Detail}"
                : $"Billing answered the RecordUsage request with an unexpected {response.GetType().Name}.");
        }
    }

    private Task FailAsync(ConsumeContext<MeterDocumentUsage> context, string reason)
    {
        logger.LogWarning("Metering document {DocumentId} failed: {Reason}", context.Message.DocumentId, reason);
        return context.Publish(new IngestionStepFailed(context.Message.DocumentId, IngestionSteps.Meter, -1, reason));
    }
}
