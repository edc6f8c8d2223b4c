using Platform.Contracts.CadGenerator;
using Platform.Messaging.Outbox;

namespace Platform.CadGenerator.Jobs;

/// <summary>
/// A job's outcome events, written to CadGenerator's transactional outbox inside the transaction that
/// is open on its database (the saga's, when it finishes the job): the event exists exactly when the
/// final state committed, and the outbox relay publishes it afterwards, in commit order, at least once
/// with a stable message id. Unlike a saga's own Publish, nothing is lost if the process dies between
/// the commit and the send.
/// </summary>
public sealed class CadJobEvents(TransactionalOutbox outbox)
{
    public Task CompletedAsync(CadJobCompleted completed, CancellationToken cancellationToken) => outbox.PublishAsync(completed, cancellationToken);

    public Task FailedAsync(CadJobFailed failed, CancellationToken cancellationToken) => outbox.PublishAsync(failed, cancellationToken);
}
