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
    private readonly DatabaseTransaction _work;
    private readonly JsonSerializerOptions _json;
    private readonly TimeProvider _clock;

    private SagaTransaction(Database database, DatabaseTransaction work, JsonSerializerOptions json, TimeProvider clock)
    {
        _database = database;
        _work = work;
        _json = json;
        _clock = clock;
    }

    // On SQLite the transaction is IMMEDIATE (see DatabaseTransaction): SQLite's equivalent of FOR UPDATE.
    public static async Task<SagaTransaction<TSaga>> BeginAsync(
        Database database, JsonSerializerOptions json, TimeProvider clock, CancellationToken cancellationToken) =>
        new(database, await DatabaseTransaction.BeginAsync(database, cancellationToken), json, clock);

    public async Task<TSaga?> LoadAsync(Guid correlationId, CancellationToken cancellationToken)
    {
        var lockClause = _database.IsPostgres ? " FOR UPDATE" : "";
        var data = await _work.Connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            $"SELECT data FROM {Table} WHERE correlation_id = @id{lockClause}",
            new { id = correlationId.ToString() },
            _work.Transaction,
            cancellationToken: cancellationToken));
        return data is null ? null : JsonSerializer.Deserialize<TSaga>(data, _json);
    }

    /// <summary>All instances, filtered in memory by <paramref name="filter"/>: for the rare correlation by a property.</summary>
    public async Task<List<TSaga>> QueryAsync(Func<TSaga, bool> filter, CancellationToken cancellationToken)
    {
        var rows = await _work.Connection.QueryAsync<string>(new CommandDefinition(
            $"SELECT data FROM {Table}", transaction: _work.Transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(r => JsonSerializer.Deserialize<TSaga>(r, _json)!).Where(filter)];
    }

    /// <summary>Inserts a new instance; false when one with the same id already exists.</summary>
    public async Task<bool> InsertAsync(TSaga saga, CancellationToken cancellationToken)
    {
        saga.Version = 1;
        var inserted = await _work.Connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO {Table} (correlation_id, version, current_state, data, updated_at)
            VALUES (@id, @version, @state, @data, @now)
            ON CONFLICT (correlation_id) DO NOTHING
            """,
            Row(saga),
            _work.Transaction,
            cancellationToken: cancellationToken));
        return inserted == 1;
    }

    /// <summary>Writes the instance if nobody else changed it since it was loaded.</summary>
    public async Task UpdateAsync(TSaga saga, CancellationToken cancellationToken)
    {
        var loadedVersion = saga.Version;
        saga.Version = loadedVersion + 1;
        var updated = await _work.Connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE {Table} SET version = @version, current_state = @state, data = @data, updated_at = @now
            WHERE correlation_id = @id AND version = @loadedVersion
            """,
            new DynamicParameters(Row(saga)).With("loadedVersion", loadedVersion),
            _work.Transaction,
            cancellationToken: cancellationToken));
        if (updated != 1)
        {
            saga.Version = loadedVersion;
            throw new ConcurrencyException(
                $"{typeof(TSaga).Name} {saga.CorrelationId} changed since version {loadedVersion} was loaded", typeof(TSaga), saga.CorrelationId);
        }
    }

    public Task DeleteAsync(TSaga saga, CancellationToken cancellationToken) =>
        _work.Connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM {Table} WHERE correlation_id = @id", new { id = saga.CorrelationId.ToString() }, _work.Transaction, cancellationToken: cancellationToken));

    /// <summary>Commits; outbox relays woken by this transaction's messages look then, when the messages are there to find.</summary>
    public Task CommitAsync(CancellationToken cancellationToken) => _work.CommitAsync(cancellationToken);

    /// <summary>Lets work done while the saga handles its message (scheduling timers, outbox writes) join this transaction.</summary>
    public IDisposable EnterAmbient() => _work.EnterAmbient();

    public ValueTask DisposeAsync() => _work.DisposeAsync();

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
