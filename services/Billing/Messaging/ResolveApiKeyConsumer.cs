using MassTransit;
using Platform.Billing.Accounts;
using Platform.Contracts.Billing;
using Platform.ServiceDefaults.Security;

namespace Platform.Billing.Messaging;

/// <summary>Answers other services' key lookups. Read-only, so repeating a message is harmless.</summary>
public sealed class ResolveApiKeyConsumer(IApiKeyResolver resolver) : IConsumer<ResolveApiKey>
{
    public async Task Consume(ConsumeContext<ResolveApiKey> context)
    {
        var identity = await resolver.ResolveAsync(context.Message.KeyHash, context.CancellationToken);
        await context.RespondAsync(identity is null
            ? new ApiKeyResolved(false, Guid.Empty, "")
            : new ApiKeyResolved(true, identity.AccountId, identity.KeyId));
    }
}
