using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Platform.Storage;

/// <summary>
/// Creates the service's PostgreSQL database when it is missing and applies the ordered
/// migrations that are not yet recorded in <c>schema_migrations</c>, each in its own transaction.
/// Several instances may start at once: PostgreSQL serialises them with an advisory lock.
/// </summary>
public sealed class DatabaseMigrator(Database database, IReadOnlyList<Migration> migrations, ILogger logger)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (database.IsPostgres)
        {
            await EnsurePostgresDatabaseExistsAsync(cancellationToken);
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (database.IsPostgres)
            {
                // Key derived from the database name, so services sharing a server do not block each other.
                await connection.ExecuteAsync(
                    "SELECT pg_advisory_xact_lock(hashtext(current_database()))", transaction: transaction);
            }

            await connection.ExecuteAsync(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INTEGER PRIMARY KEY,
                    name       TEXT NOT NULL,
                    applied_at TEXT NOT NULL
                )
                """,
                transaction: transaction);

            var applied = (await connection.QueryAsync<int>(
                "SELECT version FROM schema_migrations", transaction: transaction)).ToHashSet();

            foreach (var migration in migrations.OrderBy(m => m.Version))
            {
                if (applied.Contains(migration.Version))
                {
                    continue;
                }

                await connection.ExecuteAsync(migration.SqlFor(database.Provider), transaction: transaction);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                    new { migration.Version, migration.Name, AppliedAt = DateTime.UtcNow.ToString("O") },
                    transaction);
                logger.LogInformation(
                    "Applied migration {Version} {Name} to database {Database}", migration.Version, migration.Name, database.Name);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    private async Task EnsurePostgresDatabaseExistsAsync(CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var admin = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or DbException)
        {
            throw new InvalidOperationException(
                $"Cannot reach PostgreSQL at {target.Host}:{target.Port} as '{target.Username}' for database " +
                $"'{target.Database}': {exception.Message}. Start it with `sudo infra/local/deps.sh`, or set " +
                "Storage__Provider=Sqlite for standalone mode.",
                exception);
        }

        var exists = await connection.ExecuteScalarAsync<int?>(
            "SELECT 1 FROM pg_database WHERE datname = @name", new { name = target.Database });
        if (exists is null)
        {
            try
            {
                // Identifiers cannot be parameters; the name comes from configuration, quoted here.
                await connection.ExecuteAsync($"CREATE DATABASE \"{target.Database!.Replace("\"", "\"\"")}\"");
                logger.LogInformation("Created PostgreSQL database {Database}", target.Database);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another instance created it between our check and our CREATE.
            }
        }
    }
}
