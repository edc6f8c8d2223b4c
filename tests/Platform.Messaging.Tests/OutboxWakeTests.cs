using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Platform.Messaging.Outbox;
using Platform.Storage;
using Xunit;

namespace Platform.Messaging.Tests;

/// <summary>
/// When the outbox wakes its relay: a relay woken before the writer commits finds nothing and has to look again,
/// so a write in a unit of work's transaction (DatabaseTransaction: saga transactions, Agents' step reports) wakes it
/// after the commit, and not at all when the transaction rolls back; a write in a transaction begun by hand wakes it at once.
/// No relay runs here: the signal itself is read.
/// </summary>
public sealed class OutboxWakeTests : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("outbox-wake-");
    private readonly WakeSignal _signal = new();
    private Database _database = null!;
    private TransactionalOutbox _outbox = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = Database.Create("wake", new StorageOptions { DataDirectory = _folder.FullName }, null);
        await using (var connection = await _database.OpenAsync(Cancel))
        {
            await connection.ExecuteAsync(OutboxTable.Migration(1).SqlFor(DatabaseProvider.Sqlite));
        }

        var services = new ServiceCollection().AddKeyedSingleton("wake", _database).BuildServiceProvider();
        _outbox = new TransactionalOutbox(services, [new OutboxRegistration("wake", _signal)], TimeProvider.System);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task A_write_in_a_unit_of_work_wakes_the_relay_after_the_commit_only()
    {
        await using var work = await DatabaseTransaction.BeginAsync(_database, Cancel);
        using (work.EnterAmbient())
        {
            await _outbox.PublishAsync(new Woken("ambient"), Cancel);
            await _outbox.PublishAsync(new Woken("explicit"), work.Connection, work.Transaction, Cancel);
        }

        Assert.False(await Woke(), "woken before the commit");
        await work.CommitAsync(Cancel);
        Assert.True(await Woke());
        Assert.False(await Woke(), "woken twice for one commit");
        Assert.Equal(2, await CountAsync());
    }

    [Fact]
    public async Task A_rolled_back_write_never_wakes_the_relay()
    {
        await using (var work = await DatabaseTransaction.BeginAsync(_database, Cancel))
        {
            using (work.EnterAmbient())
            {
                await _outbox.PublishAsync(new Woken("rolled back"), Cancel);
            }

            await work.Transaction.RollbackAsync(Cancel);
        }

        Assert.False(await Woke());
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task A_write_in_a_transaction_begun_by_hand_wakes_the_relay_at_once()
    {
        await using var connection = await _database.OpenAsync(Cancel);
        await using var transaction = await connection.BeginTransactionAsync(Cancel);
        using (AmbientTransaction.Enter(_database, connection, transaction))
        {
            await _outbox.PublishAsync(new Woken("ambient"), Cancel);
        }

        Assert.True(await Woke());
        await _outbox.PublishAsync(new Woken("explicit, no scope"), connection, transaction, Cancel);
        Assert.True(await Woke());
        await transaction.CommitAsync(Cancel);
    }

    private Task<bool> Woke() => _signal.WaitAsync(TimeSpan.Zero, Cancel);

    private async Task<long> CountAsync()
    {
        await using var connection = await _database.OpenAsync(Cancel);
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {OutboxTable.Name}");
    }

    public sealed record Woken(string How);
}
