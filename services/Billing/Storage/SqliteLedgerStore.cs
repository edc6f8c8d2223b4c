using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Platform.Messaging.Outbox;
using Platform.Storage;

namespace Platform.Billing.Storage;

/// <summary>
/// SQLite: <c>BEGIN IMMEDIATE</c> takes the database's write lock before the batch reads, so
/// writers (even in several processes) run one after another. WAL mode lets readers go on meanwhile.
/// </summary>
public sealed class SqliteLedgerStore(Database database, TimeProvider clock, TransactionalOutbox? outbox = null)
    : SqlLedgerStore(database, clock, outbox)
{
    private int _walEnabled;

    protected override string LockClause => "";

    protected override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _walEnabled, 1) == 0)
        {
            // Persistent in the file; cannot run inside a transaction, so here, once per process.
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL;");
        }

        // Microsoft.Data.Sqlite starts a non-deferred transaction, i.e. BEGIN IMMEDIATE.
        return ((SqliteConnection)connection).BeginTransaction(deferred: false);
    }
}
