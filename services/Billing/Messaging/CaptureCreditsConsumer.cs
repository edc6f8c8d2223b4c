using MassTransit;
using Platform.Contracts.Billing;

namespace Platform.Billing.Messaging;

/// <summary>CaptureCredits -> CreditsCaptured | LedgerRejected. Idempotent by transfer id.</summary>
public sealed class CaptureCreditsConsumer(LedgerMessageHandler handler) : IConsumer<CaptureCredits>
{
    public async Task Consume(ConsumeContext<CaptureCredits> context)
    {
        var outcome = await handler.CaptureAsync(context.Message, context.CancellationToken);
        await (outcome.Captured is { } captured ? context.RespondAsync(captured) : context.RespondAsync(outcome.Rejected!));
    }
}
