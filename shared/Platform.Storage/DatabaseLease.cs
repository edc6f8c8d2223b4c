using System.Data.Common;

namespace Platform.Storage;

/// <summary>
/// A connection for one piece of work: the ambient transaction's when the flow has one open on the database (a saga
/// handling a message), else a new pooled connection that disposing the lease closes. Reads done inside a saga must
/// join its connection: a second connection per message starves the pool when as many messages run at once as it has
/// connections (each holds one and waits for another).
/// </summary>
public sealed class DatabaseLease : IAsyncDisposable
{
    private readonly bool _owned;

    private DatabaseLease(DbConnection connection, DbTransaction? transaction, bool owned)
    {
        Connection = connection;
        Transaction = transaction;
        _owned = owned;
    }

    public DbConnection Connection { get; }

    /// <summary>The ambient transaction, or null on a connection of the lease's own.</summary>
    public DbTransaction? Transaction { get; }

    public static async Task<DatabaseLease> JoinOrOpenAsync(Database database, CancellationToken cancellationToken) =>
        AmbientTransaction.For(database) is var (connection, transaction)
            ? new DatabaseLease(connection, transaction, owned: false)
            : new DatabaseLease(await database.OpenAsync(cancellationToken), null, owned: true);

    public void Deconstruct(out DbConnection connection, out DbTransaction? transaction)
    {
        connection = Connection;
        transaction = Transaction;
    }

    public ValueTask DisposeAsync() => _owned ? Connection.DisposeAsync() : ValueTask.CompletedTask;
}
