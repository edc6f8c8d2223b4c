using Platform.Testing;

namespace Platform.Events.Tests;

/// <summary>
/// Settings for one test's Billing host (which hosts the events module): real RabbitMQ + PostgreSQL
/// (distributed) or the in-memory bus + SQLite (standalone), with webhook timings short enough for tests.
/// </summary>
public sealed class EventsEnvironment : IAsyncDisposable
{
    private PostgresDatabases? _databases;
    private string? _directory;

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Events:Webhooks:AllowHttp"] = "true",
        ["Events:Webhooks:AllowPrivateAddresses"] = "true",
        ["Events:Webhooks:TimeoutMs"] = "1000",
        ["Events:Webhooks:MaxAttempts"] = "4",
        ["Events:Webhooks:RetryBaseDelayMs"] = "100",
        ["Events:Webhooks:RetryMaxDelayMs"] = "1000",
        ["Events:Webhooks:PollIntervalMs"] = "100",
        ["Billing:Ledger:SweepIntervalMs"] = "100",
    };

    public RabbitMqVirtualHost? VirtualHost { get; private set; }

    public bool IsDistributed => VirtualHost is not null;

    public static async Task<EventsEnvironment> CreateAsync(string mode)
    {
        var environment = new EventsEnvironment();
        var settings = mode == "distributed"
            ? PlatformSettings.Distributed(
                environment.VirtualHost = await TestServers.CreateVirtualHostAsync(),
                environment._databases = await TestServers.CreatePostgresPrefixAsync())
            : PlatformSettings.Standalone(environment._directory = Directory.CreateTempSubdirectory("platform-events-").FullName);
        foreach (var (key, value) in settings)
        {
            environment.Settings[key.Replace("__", ":")] = value;
        }

        return environment;
    }

    /// <summary>The settings as environment variables, for a Billing process.</summary>
    public Dictionary<string, string> ProcessEnvironment() =>
        Settings.Where(s => s.Value is not null).ToDictionary(s => s.Key.Replace(":", "__"), s => s.Value!);

    public async ValueTask DisposeAsync()
    {
        if (_databases is not null)
        {
            await _databases.DisposeAsync();
        }

        if (VirtualHost is not null)
        {
            await VirtualHost.DisposeAsync();
        }

        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open: the temp folder is cleaned by the OS eventually.
            }
        }
    }
}
