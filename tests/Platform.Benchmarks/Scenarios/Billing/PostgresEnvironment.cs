using System.Globalization;
using Npgsql;
using Platform.Benchmarks.Framework;
using Platform.Messaging;

namespace Platform.Benchmarks.Scenarios.Billing;

/// <summary>
/// The PostgreSQL server a scenario runs against (POSTGRES_CONNECTION, as the tests read it) and a
/// database-name prefix unique to this run; databases under it are dropped at the end.
/// </summary>
public sealed class PostgresEnvironment : IAsyncDisposable
{
    private PostgresEnvironment(string server, string prefix)
    {
        Server = server;
        Prefix = prefix;
    }

    public string Server { get; }

    public string Prefix { get; }

    public static async Task<PostgresEnvironment> CreateAsync(CancellationToken cancellationToken)
    {
        var server = Environment.GetEnvironmentVariable("POSTGRES_CONNECTION") ?? "Host=127.0.0.1;Port=5432;Username=platform;Password=platform";
        try
        {
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString);
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new DependencyUnavailableException(
                $"PostgreSQL is not reachable ({exception.Message}). Start it with `sudo infra/local/deps.sh`, or set POSTGRES_CONNECTION.", exception);
        }

        return new PostgresEnvironment(server, "bench" + Guid.NewGuid().ToString("N")[..8] + "_");
    }

    /// <summary>The settings that put a module on these databases and on <paramref name="rabbit"/>'s <paramref name="virtualHost"/> (distributed mode).</summary>
    public Dictionary<string, string?> DistributedSettings(RabbitMqEnvironment rabbit, string virtualHost) => new()
    {
        ["Bus:Transport"] = nameof(BusTransport.RabbitMq),
        ["Bus:RabbitMq:Host"] = rabbit.Host,
        ["Bus:RabbitMq:Port"] = rabbit.Port.ToString(CultureInfo.InvariantCulture),
        ["Bus:RabbitMq:VirtualHost"] = virtualHost,
        ["Bus:RabbitMq:Username"] = rabbit.User,
        ["Bus:RabbitMq:Password"] = rabbit.Password,
        ["Storage:Provider"] = "Postgres",
        ["Storage:Postgres"] = Server,
        ["Storage:DatabasePrefix"] = Prefix,
    };

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(Server) { Database = Prefix + database }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Server) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE starts_with(datname, @prefix)", connection))
        {
            list.Parameters.AddWithValue("prefix", Prefix);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            // FORCE cannot end an autovacuum worker (a superuser's backend) that a heavily written database
            // attracts; it finishes soon, so try again for a while before giving up.
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                    await drop.ExecuteNonQueryAsync();
                    break;
                }
                catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 20)
                {
                    await Task.Delay(500);
                }
            }
        }
    }
}
