using Platform.Contracts.Billing;
using Platform.Inference.Usage;

namespace Platform.Inference.Upstream;

/// <summary>
/// Reports chat usage to Billing (<see cref="RecordUsage"/>, kind <c>generation</c>, the model that
/// answered, input and output tokens) through the usage outbox: committed before the answer is
/// returned (Inference:Usage:WaitForCommit), published by the outbox relay after commit, also after a
/// crash. The transfer id names the route (<c>chat:{route}:{id}</c>); RecordUsage has no route field.
/// </summary>
public sealed class UsageReporter(UsageOutbox outbox, ILogger<UsageReporter> logger)
{
    public const string Kind = "generation";

    public async Task ReportAsync(Guid accountId, string model, string route, ChatUsage usage, string? runId = null)
    {
        if (usage.PromptTokens + usage.CompletionTokens == 0)
        {
            return;
        }

        var message = new RecordUsage(TransferId(route), accountId, Kind, model, runId, usage.PromptTokens, usage.CompletionTokens, 0, 0, 0);
        try
        {
            // Not cancelled with the request: the upstream answered, so its usage is recorded even if the client left.
            await outbox.RecordAsync(message, mergeable: false, CancellationToken.None);
            UpstreamTelemetry.UsageReports.Add(1, new KeyValuePair<string, object?>("outcome", "committed"));
        }
        catch (UsageUnavailableException exception)
        {
            // The upstream already answered (and was paid); the answer is served and the loss is logged and counted.
            UpstreamTelemetry.UsageReports.Add(1, new KeyValuePair<string, object?>("outcome", "failed"));
            logger.LogError(exception, "Usage {TransferId} of account {AccountId} ({InputTokens} in, {OutputTokens} out, model {Model}) could not be recorded",
                message.TransferId, accountId, usage.PromptTokens, usage.CompletionTokens, model);
        }
    }

    private static string TransferId(string route)
    {
        // Billing's transfer ids are 1-128 characters of [A-Za-z0-9._:-].
        Span<char> safe = stackalloc char[Math.Min(route.Length, 64)];
        for (var i = 0; i < safe.Length; i++)
        {
            var c = route[i];
            safe[i] = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-';
        }

        return $"chat:{safe}:{Guid.NewGuid():N}";
    }
}
