using Npgsql;
using Platform.Storage;
using Platform.Testing;
using Xunit;

namespace Platform.Messaging.Tests;

/// <summary>
/// Database.Owns tells which database a connection is open on: the transactional outbox wakes only that database's
/// relay (standalone hosts every module's, and a woken relay with nothing to send polls a few times).
/// </summary>
public sealed class DatabaseOwnsTests
{
    [Fact]
    public async Task A_sqlite_connection_belongs_to_its_own_file_only()
    {
        var folder = Directory.CreateTempSubdirectory("owns-");
        try
        {
            await using var billing = Database.Create("billing", new StorageOptions { DataDirectory = folder.FullName }, null);
            await using var agents = Database.Create("agents", new StorageOptions { DataDirectory = folder.FullName }, null);
            await using var connection = await billing.OpenAsync(TestContext.Current.CancellationToken);

            Assert.True(billing.Owns(connection));
            Assert.False(agents.Owns(connection));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_postgres_connection_belongs_to_its_own_database_only()
    {
        var server = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = "postgres" }.ConnectionString;
        await using var postgres = Database.Create("postgres", new StorageOptions { Provider = DatabaseProvider.Postgres }, server);
        await using var other = Database.Create("other", new StorageOptions { Provider = DatabaseProvider.Postgres },
            new NpgsqlConnectionStringBuilder(server) { Database = "platform_other" }.ConnectionString);
        await using var connection = await postgres.OpenAsync(TestContext.Current.CancellationToken);

        Assert.True(postgres.Owns(connection));
        Assert.False(other.Owns(connection));
        await using var sqliteFolderDatabase = Database.Create("agents", new StorageOptions { DataDirectory = Path.GetTempPath() }, null);
        Assert.False(sqliteFolderDatabase.Owns(connection));
    }
}
