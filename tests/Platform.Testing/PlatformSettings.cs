namespace Platform.Testing;

/// <summary>The configuration (as environment-variable names) that puts a service on the real servers.</summary>
public static class PlatformSettings
{
    public const string AdminKey = "test-admin-key";

    /// <summary>Distributed mode: RabbitMQ in <paramref name="vhost"/>, PostgreSQL databases under <paramref name="databases"/>.</summary>
    public static Dictionary<string, string> Distributed(RabbitMqVirtualHost vhost, PostgresDatabases databases) => new()
    {
        ["Bus__Transport"] = "RabbitMq",
        ["Bus__RabbitMq__Host"] = TestServers.RabbitMqHost,
        ["Bus__RabbitMq__Port"] = TestServers.RabbitMqPort.ToString(),
        ["Bus__RabbitMq__VirtualHost"] = vhost.Name,
        ["Bus__RabbitMq__Username"] = TestServers.RabbitMqUser,
        ["Bus__RabbitMq__Password"] = TestServers.RabbitMqPassword,
        ["Storage__Provider"] = "Postgres",
        ["Storage__Postgres"] = TestServers.Postgres,
        ["Storage__DatabasePrefix"] = databases.Prefix,
        ["Auth__AdminKey"] = AdminKey,
    };

    /// <summary>Standalone mode: in-memory bus, SQLite files in <paramref name="dataDirectory"/>.</summary>
    public static Dictionary<string, string> Standalone(string dataDirectory) => new()
    {
        ["Bus__Transport"] = "InMemory",
        ["Storage__Provider"] = "Sqlite",
        ["Storage__DataDirectory"] = dataDirectory,
        ["Auth__AdminKey"] = AdminKey,
    };
}
