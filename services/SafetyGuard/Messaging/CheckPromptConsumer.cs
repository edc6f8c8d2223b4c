using MassTransit;
using Platform.Contracts.SafetyGuard;
using Platform.SafetyGuard.Audit;
using Platform.SafetyGuard.Decisions;

namespace Platform.SafetyGuard.Messaging;

/// <summary>
/// Checks prompts for other services (Agents, Ingest, CadGenerator) with the same guard, policy and
/// audit log as the HTTP endpoint. Input the HTTP API would reject is denied with an input rule, so
/// the requester always gets an answer and nothing lands in an error queue.
/// </summary>
public sealed class CheckPromptConsumer(PromptChecks checks, DecisionRecorder recorder, SafetyGuardOptions options) : IConsumer<CheckPrompt>
{
    public const string InputEmpty = "input.empty";
    public const string InputTooLong = "input.too_long";

    public async Task Consume(ConsumeContext<CheckPrompt> context)
    {
        var message = context.Message;
        var text = message.Text ?? "";
        if (text.Length == 0 || text.Length > options.MaxTextChars)
        {
            var ruleId = text.Length == 0 ? InputEmpty : InputTooLong;
            var record = await recorder.RecordAsync(message.AccountId, DecisionKinds.Prompt, DecisionOutcome.Deny, [ruleId],
                new Dictionary<string, int>(), TimeSpan.Zero, text, null, null, context.CancellationToken);
            await context.RespondAsync(new PromptChecked(message.AccountId, record.Id, DecisionOutcome.Deny.ToName(), [ruleId], [],
                new Dictionary<string, double>(), null));
            return;
        }

        var (verdict, decision) = await checks.CheckAsync(message.AccountId, text, context.CancellationToken);
        await context.RespondAsync(new PromptChecked(
            message.AccountId,
            decision.Id,
            verdict.Outcome.ToName(),
            verdict.RuleIds,
            [.. verdict.Detection.Findings.Select(f => f.Type).Distinct(StringComparer.Ordinal)],
            verdict.Detection.Scores.ToDictionary(s => s.Name, s => s.Score),
            verdict.RedactedText));
    }
}
