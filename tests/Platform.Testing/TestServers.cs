using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Platform.Testing;

/// <summary>
/// The real servers integration tests run against. They default to the local servers that
/// <c>infra/local/deps.sh</c> starts; environment variables point them elsewhere. A missing server
/// fails the test with how to start it: tests never skip silently.
/// </summary>
public static class TestServers
{
    public static string RabbitMqHost => Environment.GetEnvironmentVariable("RABBITMQ_HOST") ?? "127.0.0.1";

    public static int RabbitMqPort => int.Parse(Environment.GetEnvironmentVariable("RABBITMQ_PORT") ?? "5672");

    public static string RabbitMqUser => Environment.GetEnvironmentVariable("RABBITMQ_USER") ?? "guest";

    public static string RabbitMqPassword => Environment.GetEnvironmentVariable("RABBITMQ_PASSWORD") ?? "guest";

    public static Uri RabbitMqManagement => new(Environment.GetEnvironmentVariable("RABBITMQ_MANAGEMENT_URL") ?? "http://127.0.0.1:15672");

    /// <summary>Server-level connection string (no database); services create their own databases.</summary>
    public static string Postgres =>
        Environment.GetEnvironmentVariable("POSTGRES_CONNECTION") ?? "Host=127.0.0.1;Port=5432;Username=platform;Password=platform";

    private const string HowToStart =
        "Start the local servers with `sudo infra/local/deps.sh` (installs and starts RabbitMQ and PostgreSQL), " +
        "or point the tests at running ones with RABBITMQ_HOST/RABBITMQ_PORT/RABBITMQ_MANAGEMENT_URL and POSTGRES_CONNECTION.";

    /// <summary>A fresh RabbitMQ virtual host, so that concurrent tests never consume each other's messages.</summary>
    public static async Task<RabbitMqVirtualHost> CreateVirtualHostAsync()
    {
        await RequireTcpAsync("RabbitMQ", RabbitMqHost, RabbitMqPort);
        var name = "test-" + Guid.NewGuid().ToString("N")[..12];
        using var http = ManagementClient();
        try
        {
            (await http.PutAsync($"api/vhosts/{name}", null)).EnsureSuccessStatusCode();
            (await http.PutAsync($"api/permissions/{name}/{Uri.EscapeDataString(RabbitMqUser)}", new StringContent(
                """{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }
        catch (HttpRequestException exception)
        {
            throw new InvalidOperationException(
                $"The RabbitMQ management API at {RabbitMqManagement} is needed to create a test virtual host and did not answer " +
                $"({exception.Message}). Enable it with `rabbitmq-plugins enable rabbitmq_management`. {HowToStart}", exception);
        }

        return new RabbitMqVirtualHost(name);
    }

    /// <summary>A unique database-name prefix; the databases services create under it are dropped on dispose.</summary>
    public static async Task<PostgresDatabases> CreatePostgresPrefixAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(Postgres);
        await RequireTcpAsync("PostgreSQL", builder.Host ?? "127.0.0.1", builder.Port);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Postgres) { Database = "postgres" }.ConnectionString);
        try
        {
            await connection.OpenAsync();
        }
        catch (NpgsqlException exception)
        {
            throw new InvalidOperationException(
                $"PostgreSQL at {builder.Host}:{builder.Port} refused user '{builder.Username}': {exception.Message}. {HowToStart}", exception);
        }

        return new PostgresDatabases("t" + Guid.NewGuid().ToString("N")[..10] + "_");
    }

    internal static HttpClient ManagementClient()
    {
        var http = new HttpClient { BaseAddress = RabbitMqManagement, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RabbitMqUser}:{RabbitMqPassword}")));
        return http;
    }

    private static async Task RequireTcpAsync(string what, string host, int port)
    {
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(host, port, timeout.Token);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            throw new InvalidOperationException($"{what} is not reachable at {host}:{port}. {HowToStart}", exception);
        }
    }
}

/// <summary>A RabbitMQ virtual host that exists for one test (class) and is deleted afterwards.</summary>
public sealed class RabbitMqVirtualHost(string name) : IAsyncDisposable
{
    public string Name { get; } = name;

    public async ValueTask DisposeAsync()
    {
        using var http = TestServers.ManagementClient();
        try
        {
            await http.DeleteAsync($"api/vhosts/{Name}");
        }
        catch (HttpRequestException)
        {
            // Cleanup only: a leftover test vhost does not affect later runs.
        }
    }
}

/// <summary>Databases created by services under one prefix, dropped when the test is done.</summary>
public sealed class PostgresDatabases(string prefix) : IAsyncDisposable
{
    public string Prefix { get; } = prefix;

    public string ConnectionStringFor(string service) =>
        new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = Prefix + service }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE starts_with(datname, @prefix)", connection);
        list.Parameters.AddWithValue("prefix", Prefix);
        var names = new List<string>();
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        foreach (var name in names)
        {
            await DropAsync(connection, name);
        }
    }

    // FORCE terminates the database's sessions, but only those of roles the test's role may signal: an
    // autovacuum worker busy on the database right then refuses (42501) and is gone a moment later.
    private static async Task DropAsync(NpgsqlConnection connection, string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }
}
