using Platform.Contracts.Agents;
using Platform.Contracts.Billing.Events;
using Platform.Contracts.CadGenerator;
using Platform.Contracts.Ingest;
using Platform.Contracts.SafetyGuard;

namespace Platform.Events.Catalogue;

/// <summary>
/// Every integration event the platform emits for outsiders, one entry per bus record. A record is
/// published by its owning service through that service's transactional outbox, in the transaction of
/// the state change; <see cref="Ingestion.EventIngestor"/> turns it into a CloudEvent. The public
/// catalogue (docs/events/catalogue.md) and the AsyncAPI document are generated from this list.
/// A breaking change to a record's shape needs a new entry with the next version in its type.
/// </summary>
public static class EventCatalogue
{
    public static IReadOnlyList<EventDefinition> All { get; } =
    [
        new EventDefinition<CreditsReservedEvent>(
            "billing", "platform.billing.credits.reserved.v1", "Credits reserved",
            "Credits of the account are held by a reservation until it is captured, released or expires.",
            "accounts/{accountId}/reservations/{reservationId}",
            e => $"accounts/{e.AccountId:D}/reservations/{e.ReservationId}", e => e.AccountId, e => e.ReservedAt),
        new EventDefinition<CreditsCapturedEvent>(
            "billing", "platform.billing.credits.captured.v1", "Credits captured",
            "A reservation was posted, fully or in part; the rest went back to the account.",
            "accounts/{accountId}/reservations/{reservationId}",
            e => $"accounts/{e.AccountId:D}/reservations/{e.ReservationId}", e => e.AccountId, e => e.CapturedAt),
        new EventDefinition<CreditsReleasedEvent>(
            "billing", "platform.billing.credits.released.v1", "Credits released",
            "A reservation was voided, on request (reason released) or because its time ran out (reason expired).",
            "accounts/{accountId}/reservations/{reservationId}",
            e => $"accounts/{e.AccountId:D}/reservations/{e.ReservationId}", e => e.AccountId, e => e.ReleasedAt),
        new EventDefinition<BalanceLowEvent>(
            "billing", "platform.billing.balance.low.v1", "Balance low",
            "The account's available balance fell below its low-balance threshold (once per crossing).",
            "accounts/{accountId}",
            e => $"accounts/{e.AccountId:D}", e => e.AccountId, e => e.DetectedAt),
        new EventDefinition<DocumentIndexed>(
            "ingest", "platform.ingest.document.indexed.v1", "Document indexed",
            "Every chunk of a document is searchable; its embedding tokens were metered.",
            "documents/{documentId}",
            e => $"documents/{e.DocumentId:D}", e => e.AccountId, e => e.IndexedAt),
        new EventDefinition<DocumentIngestionFailed>(
            "ingest", "platform.ingest.document.failed.v1", "Document ingestion failed",
            "Ingestion of a document stopped at a step, with the reason; its chunks were removed again.",
            "documents/{documentId}",
            e => $"documents/{e.DocumentId:D}", e => e.AccountId, e => e.FailedAt),
        new EventDefinition<CadJobCompleted>(
            "cadgenerator", "platform.cadgenerator.job.completed.v1", "CAD job completed",
            "A CAD job's STL passed every mesh check and is ready to download; its charge was captured.",
            "cad/jobs/{jobId}",
            e => $"cad/jobs/{e.JobId:D}", e => e.AccountId, e => e.CompletedAt),
        new EventDefinition<CadJobFailed>(
            "cadgenerator", "platform.cadgenerator.job.failed.v1", "CAD job failed",
            "A CAD job failed at a step, with the reason; any reservation was released.",
            "cad/jobs/{jobId}",
            e => $"cad/jobs/{e.JobId:D}", e => e.AccountId, e => e.FailedAt),
        new EventDefinition<RunStarted>(
            "agents", "platform.agents.run.started.v1", "Agent run started",
            "SafetyGuard allowed the run's goal and its budget is reserved; its steps begin.",
            "runs/{runId}",
            e => $"runs/{e.RunId:D}", e => e.AccountId, e => e.StartedAt),
        new EventDefinition<RunStepCompleted>(
            "agents", "platform.agents.run.step.completed.v1", "Agent run step completed",
            "A step of a run ended (succeeded, failed or denied), with its tool, cost, attempts and duration.",
            "runs/{runId}",
            e => $"runs/{e.RunId:D}", e => e.AccountId, e => e.CompletedAt),
        new EventDefinition<RunApprovalRequested>(
            "agents", "platform.agents.run.approval.requested.v1", "Agent run approval requested",
            "A run waits for a person to approve a step's tool call (POST /v1/runs/{id}/approvals) before it expires.",
            "runs/{runId}",
            e => $"runs/{e.RunId:D}", e => e.AccountId, e => e.RequestedAt),
        new EventDefinition<RunCompleted>(
            "agents", "platform.agents.run.completed.v1", "Agent run completed",
            "Every step of a run succeeded; what it spent was captured and the rest of its budget returned.",
            "runs/{runId}",
            e => $"runs/{e.RunId:D}", e => e.AccountId, e => e.CompletedAt),
        new EventDefinition<RunFailed>(
            "agents", "platform.agents.run.failed.v1", "Agent run failed",
            "A run ended without completing (a stable reason: denied, out of budget, cancelled, ...); what it spent was captured, the rest released.",
            "runs/{runId}",
            e => $"runs/{e.RunId:D}", e => e.AccountId, e => e.FailedAt),
        new EventDefinition<GuardDenied>(
            "safetyguard", "platform.safetyguard.guard.denied.v1", "Guard denied",
            "SafetyGuard denied a prompt or an agent's action, naming the rules; the checked text is never included.",
            "guard/decisions/{decisionId}",
            e => $"guard/decisions/{e.DecisionId:D}", e => e.AccountId, e => e.DeniedAt),
    ];

    private static readonly Dictionary<string, EventDefinition> ByType = All.ToDictionary(d => d.Type, StringComparer.Ordinal);

    private static readonly Dictionary<Type, EventDefinition> ByRecord = All.ToDictionary(d => d.RecordType);

    /// <summary>Topics (exchanges) in catalogue order, each once.</summary>
    public static IReadOnlyList<string> Topics { get; } = [.. All.Select(d => d.Topic).Distinct()];

    public static EventDefinition? FindByType(string type) => ByType.GetValueOrDefault(type);

    public static EventDefinition ForRecord(Type recordType) =>
        ByRecord.TryGetValue(recordType, out var definition)
            ? definition
            : throw new ArgumentException($"{recordType.FullName} is not in the event catalogue.", nameof(recordType));
}
