using MassTransit;
using Platform.Contracts.Billing;

namespace Platform.Billing.Messaging;

/// <summary>ReserveCredits -> CreditsReserved | InsufficientCredits | LedgerRejected. Idempotent by transfer id.</summary>
public sealed class ReserveCreditsConsumer(LedgerMessageHandler handler) : IConsumer<ReserveCredits>
{
    public async Task Consume(ConsumeContext<ReserveCredits> context)
    {
        var outcome = await handler.ReserveAsync(context.Message, context.CancellationToken);
        await (outcome switch
        {
            { Reserved: { } reserved } => context.RespondAsync(reserved),
            { Insufficient: { } insufficient } => context.RespondAsync(insufficient),
            _ => context.RespondAsync(outcome.Rejected!),
        });
    }
}
