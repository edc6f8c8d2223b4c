using Platform.Testing;

namespace Platform.Messaging.Tests;

/// <summary>Settings for one test: real RabbitMQ + PostgreSQL (distributed) or in-memory bus + SQLite (standalone).</summary>
public sealed class TestEnvironment : IAsyncDisposable
{
    private RabbitMqVirtualHost? _vhost;
    private PostgresDatabases? _databases;
    private string? _directory;

    public Dictionary<string, string?> Settings { get; } = new()
    {
        // Generous retries: out-of-order events wait for their saga to exist.
        ["Bus:RetryIntervalsMs:0"] = "50",
        ["Bus:RetryIntervalsMs:1"] = "100",
        ["Bus:RetryIntervalsMs:2"] = "200",
        ["Bus:RetryIntervalsMs:3"] = "500",
        ["Bus:RetryIntervalsMs:4"] = "1000",
        ["Bus:RetryIntervalsMs:5"] = "2000",
    };

    public static async Task<TestEnvironment> CreateAsync(string mode)
    {
        var environment = new TestEnvironment();
        if (mode == "distributed")
        {
            environment._vhost = await TestServers.CreateVirtualHostAsync();
            environment._databases = await TestServers.CreatePostgresPrefixAsync();
            foreach (var (key, value) in PlatformSettings.Distributed(environment._vhost, environment._databases))
            {
                environment.Settings[key.Replace("__", ":")] = value;
            }
        }
        else
        {
            environment._directory = Path.Combine(Path.GetTempPath(), "platform-saga-" + Guid.NewGuid().ToString("N")[..8]);
            foreach (var (key, value) in PlatformSettings.Standalone(environment._directory))
            {
                environment.Settings[key.Replace("__", ":")] = value;
            }
        }

        return environment;
    }

    public async ValueTask DisposeAsync()
    {
        if (_databases is not null)
        {
            await _databases.DisposeAsync();
        }

        if (_vhost is not null)
        {
            await _vhost.DisposeAsync();
        }

        if (_directory is not null && Directory.Exists(_directory))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
