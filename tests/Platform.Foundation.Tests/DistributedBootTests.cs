using Platform.ServiceDefaults;
using Platform.Testing;
using Xunit;

namespace Platform.Foundation.Tests;

/// <summary>Every service, as its own process on real RabbitMQ and PostgreSQL, starts and says it is ready.</summary>
[Collection(DistributedCollection.Name)]
public sealed class DistributedBootTests(DistributedPlatform platform)
{
    public static TheoryData<string> Services => [.. PlatformServices.All];

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Service_is_ready_on_RabbitMq_and_Postgres(string service)
    {
        using var response = await platform[service].Client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        var health = await PlatformApi.ReadJsonAsync(response, 200);

        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        var checks = health.GetProperty("checks");
        var database = checks.GetProperty($"database-{service}");
        Assert.Equal("Healthy", database.GetProperty("status").GetString());
        Assert.Contains("Postgres", database.GetProperty("description").GetString());
        Assert.Equal("Healthy", checks.GetProperty("masstransit-bus").GetProperty("status").GetString());
    }

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Service_is_live_and_serves_its_OpenApi_document(string service)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var live = await platform[service].Client.GetAsync("/health/live", cancellationToken);
        Assert.Equal(200, (int)live.StatusCode);

        using var openApi = await platform[service].Client.GetAsync("/openapi/v1.json", cancellationToken);
        var document = await PlatformApi.ReadJsonAsync(openApi, 200);
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        Assert.Contains(DistributedPlatform.ProjectOf(service), document.GetProperty("info").GetProperty("title").GetString());
        Assert.True(document.GetProperty("paths").EnumerateObject().Any(), $"{service} documents no endpoint");
    }

    [Fact]
    public async Task Each_service_created_its_own_PostgreSQL_database()
    {
        await using var connection = new Npgsql.NpgsqlConnection(
            new Npgsql.NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new Npgsql.NpgsqlCommand("SELECT datname FROM pg_database WHERE starts_with(datname, @p)", connection);
        command.Parameters.AddWithValue("p", platform.Databases.Prefix);
        var names = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }

        Assert.Equal(PlatformServices.All.Select(s => platform.Databases.Prefix + s).Order(), names.Order());
    }
}
