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

    /// <summary>Makes <paramref name="transaction"/> ambient for <paramref name="database"/> until disposed.</summary>
    public static IDisposable Enter(Database database, DbConnection connection, DbTransaction transaction)
    {
        var previous = Current.Value;
        Current.Value = new Scope(database, connection, transaction);
        return new Exit(previous);
    }

    /// <summary>The open transaction on <paramref name="database"/> in this flow, if any.</summary>
    public static (DbConnection Connection, DbTransaction Transaction)? For(Database database) =>
        Current.Value is { } scope && ReferenceEquals(scope.Database, database) ? (scope.Connection, scope.Transaction) : null;

    private sealed record Scope(Database Database, DbConnection Connection, DbTransaction Transaction);

    private sealed class Exit(Scope? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
