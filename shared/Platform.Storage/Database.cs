using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Platform.Storage;

/// <summary>
/// One service's database: which engine, where, and how to open a connection to it.
/// Registered as a keyed singleton under the service's name, so that modules composed in one
/// process (standalone mode) each keep their own database.
/// </summary>
public sealed class Database : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;

    // What an open connection reports for this database: the PostgreSQL database name, or the SQLite file's full path.
    private readonly string _identity;

    public Database(string name, DatabaseProvider provider, string connectionString)
    {
        Name = name;
        Provider = provider;
        ConnectionString = connectionString;
        if (provider == DatabaseProvider.Postgres)
        {
            _postgres = NpgsqlDataSource.Create(connectionString);
            _identity = new NpgsqlConnectionStringBuilder(connectionString).Database ?? "";
        }
        else
        {
            _identity = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
        }
    }

    /// <summary>The owning service, e.g. <c>billing</c>.</summary>
    public string Name { get; }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken);
        }

        var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        // Per connection: foreign keys are off by default; SQLite's own busy handler makes every
        // statement (BEGIN IMMEDIATE included) wait for the write lock instead of failing at once.
        // WAL lets readers proceed while one writer commits; it is persistent, set once per file.
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>True when <paramref name="connection"/> is open on this database (the same PostgreSQL database or SQLite file).</summary>
    public bool Owns(DbConnection connection) => connection switch
    {
        NpgsqlConnection npgsql => IsPostgres && string.Equals(npgsql.Database, _identity, StringComparison.Ordinal),
        SqliteConnection sqlite => !IsPostgres && sqlite.DataSource is { Length: > 0 } file &&
            string.Equals(Path.GetFullPath(file), _identity, StringComparison.Ordinal),
        _ => false,
    };

    public ValueTask DisposeAsync() => _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static bool ExplicitPoolSize(string connectionString) =>
        connectionString.Contains("pool size", StringComparison.OrdinalIgnoreCase) ||
        connectionString.Contains("maxpoolsize", StringComparison.OrdinalIgnoreCase);

    /// <summary>Builds the database for <paramref name="service"/> from the shared storage settings.</summary>
    public static Database Create(string service, StorageOptions options, string? connectionStringOverride)
    {
        if (options.Provider == DatabaseProvider.Postgres)
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionStringOverride ?? options.Postgres);
            if (connectionStringOverride is null || string.IsNullOrEmpty(builder.Database))
            {
                builder.Database = options.DatabasePrefix + service.ToLowerInvariant();
            }

            if (connectionStringOverride is null || !ExplicitPoolSize(connectionStringOverride))
            {
                builder.MaxPoolSize = options.MaxPoolSize >= 1
                    ? options.MaxPoolSize
                    : throw new InvalidOperationException($"Storage:MaxPoolSize must be at least 1 (it is {options.MaxPoolSize}).");
            }

            return new Database(service, DatabaseProvider.Postgres, builder.ConnectionString);
        }

        if (connectionStringOverride is not null)
        {
            return new Database(service, DatabaseProvider.Sqlite, connectionStringOverride);
        }

        var directory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(directory);
        var sqlite = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(directory, service.ToLowerInvariant() + ".db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until this many seconds pass.
            DefaultTimeout = 30,
        };
        return new Database(service, DatabaseProvider.Sqlite, sqlite.ConnectionString);
    }
}
