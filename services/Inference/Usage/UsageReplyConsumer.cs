using MassTransit;
using Platform.Contracts.Billing;

namespace Platform.Inference.Usage;

/// <summary>
/// Billing's answers to Inference's usage reports. Usage is reported after the work was served, so a
/// refusal (insufficient credits, no price for the model, an invalid report) cannot undo the answer;
/// it must not vanish either: it is logged as a warning with the account, transfer and reason, and
/// counted (<c>platform.inference.usage.refused</c>), so unbilled work is visible to operators.
/// The reports carry this endpoint as their response address (<see cref="EndpointName"/>); the
/// endpoint binds to no published message types, so other services' Billing answers never land here.
/// </summary>
public sealed class UsageReplyConsumer(ILogger<UsageReplyConsumer> logger) :
    IConsumer<UsageRecorded>, IConsumer<InsufficientCredits>, IConsumer<LedgerRejected>
{
    public const string EndpointName = "inference-usage-replies";

    public static readonly Uri Address = new($"queue:{EndpointName}");

    public Task Consume(ConsumeContext<UsageRecorded> context)
    {
        UsageTelemetry.Charged.Add(context.Message.Charge);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<InsufficientCredits> context)
    {
        var message = context.Message;
        Refused(message.TransferId, message.AccountId, LedgerRejectionReasons.InsufficientCredits,
            $"the charge of {message.Requested} micro-credits exceeds the {message.Available} available");
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<LedgerRejected> context)
    {
        var message = context.Message;
        Refused(message.TransferId, message.AccountId, message.Reason, message.Detail);
        return Task.CompletedTask;
    }

    private void Refused(string transferId, Guid accountId, string reason, string detail)
    {
        UsageTelemetry.Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        logger.LogWarning("Billing refused usage {TransferId} of account {AccountId} ({Reason}: {Detail}); the work was served unbilled",
            transferId, accountId, reason, detail);
    }
}
