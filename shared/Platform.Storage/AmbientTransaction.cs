using System.Data.Common;

namespace Platform.Storage;

/// <summary>
/// The transaction a unit of work (e.g. a saga handling a message) has open on a database, so that
/// work done on its behalf by other components (scheduling a timeout) joins it: the write is atomic
/// with the state change, and SQLite, which has one writer at a time, does not wait on itself.
/// </summary>
public static class AmbientTransaction
{
    private static readonly AsyncLocal<Scope?> Current = new();

    /// <summary>
    /// Makes <paramref name="transaction"/> ambient for <paramref name="database"/> until disposed. An owner that passes
    /// <paramref name="reportsCommit"/> promises to call <see cref="Scope.Committed"/> after it commits, which lets
    /// others defer work to that moment (<see cref="AfterCommit"/>); without it, deferred work runs at once.
    /// </summary>
    public static Scope Enter(Database database, DbConnection connection, DbTransaction transaction, bool reportsCommit = false)
    {
        var scope = new Scope(database, connection, transaction, reportsCommit, Current.Value);
        Current.Value = scope;
        return scope;
    }

    /// <summary>The open transaction on <paramref name="database"/> in this flow, if any.</summary>
    public static (DbConnection Connection, DbTransaction Transaction)? For(Database database) =>
        Current.Value is { } scope && ReferenceEquals(scope.Database, database) ? (scope.Connection, scope.Transaction) : null;

    /// <summary>
    /// Runs <paramref name="action"/> once <paramref name="transaction"/> has committed when its owner reports the commit,
    /// otherwise now. Waking a reader of what the transaction wrote (an outbox relay) before the commit makes it look,
    /// find nothing and look again later.
    /// </summary>
    public static void AfterCommit(DbTransaction transaction, Action action)
    {
        for (var scope = Current.Value; scope is not null; scope = scope.Previous)
        {
            if (ReferenceEquals(scope.Transaction, transaction) && scope.ReportsCommit)
            {
                scope.Defer(action);
                return;
            }
        }

        action();
    }

    /// <summary>An ambient transaction; disposing it leaves the flow (the transaction itself stays the owner's).</summary>
    public sealed class Scope : IDisposable
    {
        private List<Action>? _afterCommit;

        internal Scope(Database database, DbConnection connection, DbTransaction transaction, bool reportsCommit, Scope? previous)
        {
            Database = database;
            Connection = connection;
            Transaction = transaction;
            ReportsCommit = reportsCommit;
            Previous = previous;
        }

        internal Database Database { get; }

        internal DbConnection Connection { get; }

        internal DbTransaction Transaction { get; }

        internal bool ReportsCommit { get; }

        internal Scope? Previous { get; }

        /// <summary>The owner committed: runs what was deferred to the commit (once).</summary>
        public void Committed()
        {
            var actions = _afterCommit;
            _afterCommit = null;
            foreach (var action in actions ?? [])
            {
                action();
            }
        }

        public void Dispose() => Current.Value = Previous;

        // One flow at a time works a transaction, so no lock.
        internal void Defer(Action action) => (_afterCommit ??= []).Add(action);
    }
}
