using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Agents.Execution;
using Platform.Agents.Runs;
using Platform.Agents.Tools;
using Platform.Agents.Tools.Runners;
using Platform.Contracts.Billing;
using Platform.Contracts.Inference;
using Platform.Messaging.Outbox;
using Platform.Storage;

namespace Platform.Agents.Planning;

/// <summary>
/// Chooses the next step of an LLM-planned run: asks Inference (Generate, the planner model) with the goal, the
/// allowed tools and every earlier call and result, meters the tokens against the run's reservation, and reports
/// the choice (a tool call or the final answer) to the run's saga through the outbox. The choice is checked by the
/// saga (allowed tools), the step's schema check and the action check like any planned step.
/// </summary>
public sealed class PlanRunStepConsumer(
    [FromKeyedServices(AgentsModule.Name)] Database database,
    RunStore runs,
    ToolStore tools,
    IScopedClientFactory clients,
    TransactionalOutbox outbox,
    IOptions<PlannerOptions> options) : IConsumer<PlanRunStep>
{
    public async Task Consume(ConsumeContext<PlanRunStep> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var settings = options.Value;
        var planned = await PlanAsync(m, settings, ct);
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await outbox.PublishAsync(planned, connection, transaction, ct);
        await transaction.CommitAsync(ct);
    }

    private async Task<RunStepPlanned> PlanAsync(PlanRunStep m, PlannerOptions settings, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(settings.Model))
        {
            return Failed(m, "no planner model is configured (Agents:Planner:Model)");
        }

        if (await runs.GetSpecAsync(m.RunId, ct) is not { } run)
        {
            return Failed(m, "the run has no row");
        }

        var allowed = new List<ToolDefinition>();
        foreach (var name in run.Spec.AllowedTools)
        {
            if ((BuiltInTools.Find(name) ?? await tools.FindAsync(m.AccountId, name, ct)) is { } tool)
            {
                allowed.Add(tool);
            }
        }

        var steps = await runs.StepsAsync(m.RunId, ct);
        var messages = PlannerPrompt.Build(run.Spec.Goal, allowed, steps, settings.MaxOutputCharacters);
        var (generated, failure) = await InferenceGenerateRunner.GenerateAsync(clients,
            new Generate(m.AccountId, settings.Model, messages, settings.MaxTokens, 0, m.RunId.ToString()), settings.TimeoutSeconds, ct);
        if (generated is null)
        {
            return Failed(m, $"the planner could not be asked: {failure!.Error}");
        }

        var cost = await MeterAsync(m, generated, ct);
        if (cost is null)
        {
            return Failed(m, $"Billing cannot price the planner's tokens for model '{generated.Model}'; the plan is not used");
        }

        var answer = PlannerAnswer.Read(generated.Content);
        return new RunStepPlanned(m.RunId, m.StepIndex, answer.Tool, answer.Arguments, answer.Content, answer.Error, cost.Value);
    }

    private async Task<long?> MeterAsync(PlanRunStep m, Generated generated, CancellationToken ct)
    {
        var client = clients.CreateRequestClient<RecordUsage>(RequestTimeout.After(s: 30));
        var response = await client.GetResponse<UsageRecorded, InsufficientCredits, LedgerRejected>(
            new RecordUsage(TransferIds.PlannerUsage(m.RunId, m.StepIndex), m.AccountId, "generation", generated.Model, m.RunId.ToString(),
                generated.InputTokens, generated.OutputTokens, 0, 0, 0, m.ReservationId), ct);
        return response.Is(out Response<UsageRecorded>? recorded) ? recorded.Message.Charge : null;
    }

    private static RunStepPlanned Failed(PlanRunStep m, string error) => new(m.RunId, m.StepIndex, null, null, null, error, 0);
}
