using System.Data;
using System.Data.Common;
using Platform.Messaging.Outbox;
using Platform.Storage;

namespace Platform.Billing.Storage;

/// <summary>
/// PostgreSQL: the batch locks the ledger rows it touches (<c>SELECT ... FOR UPDATE</c>, in id
/// order), so several Billing instances may write at once and still never overspend.
/// </summary>
public sealed class PostgresLedgerStore(Database database, TimeProvider clock, TransactionalOutbox? outbox = null)
    : SqlLedgerStore(database, clock, outbox)
{
    protected override string LockClause => "FOR UPDATE";

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        // Read committed is enough: every row a decision depends on is locked first, and each later
        // statement of the batch reads after the locks are held, so it sees the previous holder's commit.
        await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
}
