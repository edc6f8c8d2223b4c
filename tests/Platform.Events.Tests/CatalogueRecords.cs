using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Agents;
using Platform.Contracts.CadGenerator;
using Platform.Contracts.Ingest;
using Platform.Contracts.SafetyGuard;
using Platform.Events.Catalogue;
using Platform.Messaging.Outbox;

namespace Platform.Events.Tests;

/// <summary>
/// Catalogue records of the services other than Billing, published the way their owners publish
/// them: through a transactional outbox, in a committed transaction (here Billing's database, whose
/// relay puts them on the same bus). Billing's own events come from real ledger commands instead.
/// </summary>
public static class CatalogueRecords
{
    public static bool IsBilling(EventDefinition definition) => definition.Service == "billing";

    /// <summary>A valid record of <paramref name="definition"/>'s type for <paramref name="accountId"/>.</summary>
    public static object Sample(EventDefinition definition, Guid accountId, Guid subjectId, int n = 1)
    {
        var at = DateTimeOffset.UtcNow;
        return definition.RecordType.Name switch
        {
            nameof(DocumentIndexed) => new DocumentIndexed(subjectId, accountId, IngestCollections.Default, 12, "platform-embed-256", 3400 + n, 68, at),
            nameof(DocumentIngestionFailed) => new DocumentIngestionFailed(subjectId, accountId, IngestionSteps.Embed, $"inference unavailable ({n})", at),
            nameof(CadJobCompleted) => new CadJobCompleted(subjectId, accountId, "l-bracket", 1204 + n, 18.5, 512, 2_000_000, at),
            nameof(CadJobFailed) => new CadJobFailed(subjectId, accountId, "render", $"openscad exited with 1 ({n})", at),
            nameof(RunStarted) => new RunStarted(subjectId, accountId, "explicit", 3, 500_000 + n, at),
            nameof(RunStepCompleted) => new RunStepCompleted(subjectId, accountId, n - 1, $"step-{n}", "retrieval.search", RunStepOutcomes.Succeeded, null, null, 1_200, 1, 84, at),
            nameof(RunApprovalRequested) => new RunApprovalRequested(subjectId, accountId, n, $"step-{n}", "http.post", ["policy.approval.http"], at.AddMinutes(15), at),
            nameof(RunCompleted) => new RunCompleted(subjectId, accountId, 3, 3_600 + n, at),
            nameof(RunFailed) => new RunFailed(subjectId, accountId, RunFailureReasons.StepFailed, $"tool timed out ({n})", 1, 1, 1_200, at),
            nameof(GuardDenied) => new GuardDenied(subjectId, accountId, GuardDeniedKinds.Prompt, ["injection.block", "injection.ignore_previous"], at),
            _ => throw new InvalidOperationException(
                $"No sample for {definition.RecordType.Name} ({definition.Type}): add one here so the topic test covers it."),
        };
    }

    /// <summary>
    /// Event <paramref name="position"/> of one run of <paramref name="steps"/> steps, in the order an agent
    /// publishes them: started (0), a completed step (1 to <paramref name="steps"/>), then completed.
    /// </summary>
    public static object RunEvent(Guid run, Guid account, int position, int steps)
    {
        var at = DateTimeOffset.UtcNow;
        return position switch
        {
            0 => new RunStarted(run, account, "explicit", steps, 500_000, at),
            _ when position <= steps => new RunStepCompleted(
                run, account, position - 1, $"step-{position}", "retrieval.search", RunStepOutcomes.Succeeded, null, null, 1_200, 1, 84, at),
            _ => new RunCompleted(run, account, steps, 4_800, at),
        };
    }

    /// <summary>Writes <paramref name="record"/> to the outbox in its own committed transaction; returns the message id (= the CloudEvent id).</summary>
    public static async Task<Guid> PublishAsync(BillingHost host, object record)
    {
        await using var connection = await host.Database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await host.Services.GetRequiredService<TransactionalOutbox>().PublishAsync(record, connection, transaction, CancellationToken.None);
        await transaction.CommitAsync();
        return id;
    }
}
