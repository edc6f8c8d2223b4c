using System.Data.Common;
using System.Reflection;
using System.Text.Json;
using Dapper;
using MassTransit;
using Platform.Storage;

namespace Platform.Messaging.Sagas;

/// <summary>
/// One message's unit of work on a saga table: a connection and a transaction that commit only
/// when the saga has handled the message. On PostgreSQL a loaded row is locked (FOR UPDATE) for the
/// rest of the transaction; on SQLite the transaction takes the write lock up front (IMMEDIATE).
/// Every update is versioned: a lost race raises <see cref="ConcurrencyException"/>, which the
/// endpoint's retry turns into a fresh attempt on the newer state.
/// </summary>
public sealed class SagaTransaction<TSaga> : IAsyncDisposable
    where TSaga : class, ISagaVersion
{
    private static readonly string Table = SagaTable.NameOf<TSaga>();
    private static readonly PropertyInfo? CurrentStateProperty = typeof(TSaga).GetProperty("CurrentState");

    private readonly Database _database;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly JsonSerializerOptions _json;
    private readonly TimeProvider _clock;
    private AmbientTransaction.Scope? _ambient;

    private SagaTransaction(Database database, DbConnection connection, DbTransaction transaction, JsonSerializerOptions json, TimeProvider clock)
    {
        _database = database;
        _connection = connection;
        _transaction = transaction;
        _json = json;
        _clock = clock;
    }

    public static async Task<SagaTransaction<TSaga>> BeginAsync(
        Database database, JsonSerializerOptions json, TimeProvider clock, CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            // Microsoft.Data.Sqlite begins IMMEDIATE transactions: the write lock is taken now, so two
            // messages cannot both decide on the same old state (SQLite's equivalent of FOR UPDATE).
            var transaction = database.IsPostgres
                ? await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken)
                : await connection.BeginTransactionAsync(cancellationToken);
            return new SagaTransaction<TSaga>(database, connection, transaction, json, clock);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<TSaga?> LoadAsync(Guid correlationId, CancellationToken cancellationToken)
    {
        var lockClause = _database.IsPostgres ? " FOR UPDATE" : "";
        var data = await _connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            $"SELECT data FROM {Table} WHERE correlation_id = @id{lockClause}",
            new { id = correlationId.ToString() },
            _transaction,
            cancellationToken: cancellationToken));
        return data is null ? null : JsonSerializer.Deserialize<TSaga>(data, _json);
    }

    /// <summary>All instances, filtered in memory by <paramref name="filter"/>: for the rare correlation by a property.</summary>
    public async Task<List<TSaga>> QueryAsync(Func<TSaga, bool> filter, CancellationToken cancellationToken)
    {
        var rows = await _connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT data FROM {Table}", transaction: _transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(r => JsonSerializer.Deserialize<TSaga>(r, _json)!).Where(filter)];
    }

    /// <summary>Inserts a new instance; false when one with the same id already exists.</summary>
    public async Task<bool> InsertAsync(TSaga saga, CancellationToken cancellationToken)
    {
        saga.Version = 1;
        var inserted = await _connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO {Table} (correlation_id, version, current_state, data, updated_at)
            VALUES (@id, @version, @state, @data, @now)
            ON CONFLICT (correlation_id) DO NOTHING
            """,
            Row(saga),
            _transaction,
            cancellationToken: cancellationToken));
        return inserted == 1;
    }

    /// <summary>Writes the instance if nobody else changed it since it was loaded.</summary>
    public async Task UpdateAsync(TSaga saga, CancellationToken cancellationToken)
    {
        var loadedVersion = saga.Version;
        saga.Version = loadedVersion + 1;
        var updated = await _connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE {Table} SET version = @version, current_state = @state, data = @data, updated_at = @now
            WHERE correlation_id = @id AND version = @loadedVersion
            """,
            new DynamicParameters(Row(saga)).With("loadedVersion", loadedVersion),
            _transaction,
            cancellationToken: cancellationToken));
        if (updated != 1)
        {
            saga.Version = loadedVersion;
            throw new ConcurrencyException(
                $"{typeof(TSaga).Name} {saga.CorrelationId} changed since version {loadedVersion} was loaded", typeof(TSaga), saga.CorrelationId);
        }
    }

    public Task DeleteAsync(TSaga saga, CancellationToken cancellationToken) =>
        _connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM {Table} WHERE correlation_id = @id", new { id = saga.CorrelationId.ToString() }, _transaction, cancellationToken: cancellationToken));

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _transaction.CommitAsync(cancellationToken);
        // Outbox relays woken by this transaction's messages look now, when the messages are there to find.
        _ambient?.Committed();
    }

    /// <summary>Lets work done while the saga handles its message (scheduling timers, outbox writes) join this transaction.</summary>
    public IDisposable EnterAmbient() => _ambient = AmbientTransaction.Enter(_database, _connection, _transaction, reportsCommit: true);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private object Row(TSaga saga) => new
    {
        id = saga.CorrelationId.ToString(),
        version = saga.Version,
        state = CurrentStateProperty?.GetValue(saga)?.ToString(),
        data = JsonSerializer.Serialize(saga, _json),
        now = _clock.GetUtcNow().ToUnixTimeMilliseconds(),
    };
}

internal static class DynamicParametersExtensions
{
    public static DynamicParameters With(this DynamicParameters parameters, string name, object value)
    {
        parameters.Add(name, value);
        return parameters;
    }
}
