using MassTransit;
using Platform.Contracts.SafetyGuard;
using Platform.SafetyGuard.Actions;
using Platform.SafetyGuard.Decisions;

namespace Platform.SafetyGuard.Messaging;

/// <summary>Checks agent actions for other services with the same guard, policy and audit log as the HTTP endpoint.</summary>
public sealed class CheckActionConsumer(ActionChecks checks) : IConsumer<CheckAction>
{
    public async Task Consume(ConsumeContext<CheckAction> context)
    {
        var message = context.Message;
        // A missing tool name is just another unknown tool: denied, with the rule that says why.
        var call = new ToolCall(message.Tool ?? "", message.Arguments, message.EstimatedCost);
        var (verdict, record) = await checks.CheckAsync(message.AccountId, call, context.CancellationToken);
        await context.RespondAsync(new ActionChecked(
            message.AccountId,
            record.Id,
            verdict.Outcome.ToName(),
            verdict.RuleIds,
            [.. verdict.Violations.Select(v => new ActionViolationDetail(v.RuleId, v.Field, v.Message))],
            verdict.Risk?.ToString().ToLowerInvariant()));
    }
}
