using System.Data.Common;
using System.Runtime.CompilerServices;

namespace Platform.Storage;

/// <summary>
/// A unit of work on one database: a connection and a transaction that work done on its behalf joins
/// (<see cref="EnterAmbient"/>), and that runs what was deferred to its commit once it has committed
/// (<see cref="AfterCommit"/>: the outbox wakes its relay then, not before, when the relay would find nothing
/// and have to look again). Disposing without committing rolls back.
/// </summary>
public sealed class DatabaseTransaction : IAsyncDisposable
{
    // The units of work by their transaction, so a writer given only a connection and transaction can defer to the commit.
    private static readonly ConditionalWeakTable<DbTransaction, DatabaseTransaction> Open = new();

    private readonly Database _database;
    private List<Action>? _afterCommit;

    private DatabaseTransaction(Database database, DbConnection connection, DbTransaction transaction)
    {
        _database = database;
        Connection = connection;
        Transaction = transaction;
        Open.AddOrUpdate(transaction, this);
    }

    public DbConnection Connection { get; }

    public DbTransaction Transaction { get; }

    /// <summary>
    /// Opens a connection and begins a transaction: read committed on PostgreSQL; on SQLite Microsoft.Data.Sqlite
    /// begins IMMEDIATE, which takes the write lock now (two writers cannot both decide on the same old state).
    /// </summary>
    public static async Task<DatabaseTransaction> BeginAsync(Database database, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            var transaction = database.IsPostgres
                ? await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken)
                : await connection.BeginTransactionAsync(cancellationToken);
            return new DatabaseTransaction(database, connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> once <paramref name="transaction"/> has committed when a unit of work owns it,
    /// otherwise now (its owner commits on its own and tells nobody).
    /// </summary>
    public static void AfterCommit(DbTransaction transaction, Action action)
    {
        if (Open.TryGetValue(transaction, out var work))
        {
            // One flow at a time works a transaction, so no lock.
            (work._afterCommit ??= []).Add(action);
        }
        else
        {
            action();
        }
    }

    /// <summary>Lets work done on this unit's behalf in this flow (stores, the outbox, the scheduler) join its transaction.</summary>
    public IDisposable EnterAmbient() => AmbientTransaction.Enter(_database, Connection, Transaction);

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await Transaction.CommitAsync(cancellationToken);
        var actions = _afterCommit;
        _afterCommit = null;
        foreach (var action in actions ?? [])
        {
            action();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Open.Remove(Transaction);
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
