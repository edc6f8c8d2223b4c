using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.ServiceDefaults.Errors;
using Platform.Storage;
using Platform.Testing;
using Xunit;

namespace Platform.Foundation.Tests;

/// <summary>
/// A database that cannot take a request now is the service's dependency being unavailable, not a failure of the
/// service: the answer is a 503 problem with Retry-After, which clients retry, never a 500. The refusal here is
/// PostgreSQL's own: the endpoint's database allows no connections (too many connections for database), as a
/// server at max_connections does.
/// </summary>
public sealed class DatabaseUnavailableTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_database_that_refuses_connections_is_a_503_with_retry_after()
    {
        var name = "platform_refusing_" + Guid.NewGuid().ToString("N")[..12];
        var admin = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = "postgres", Pooling = false }.ConnectionString;
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        await ExecuteAsync(admin, $"ALTER DATABASE {name} CONNECTION LIMIT 0");
        try
        {
            await using var database = Database.Create("refusing", new StorageOptions { Provider = DatabaseProvider.Postgres },
                new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = name }.ConnectionString);
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            builder.Logging.ClearProviders();
            // The services' error handling (AddServiceDefaults without the API keys, which need the bus).
            builder.Services.AddProblemDetails();
            builder.Services.AddExceptionHandler<PlatformExceptionHandler>();
            await using var app = builder.Build();
            app.UseExceptionHandler();
            app.MapGet("/count", async (CancellationToken ct) =>
            {
                await using var connection = await database.OpenAsync(ct);
                return Results.Ok();
            });
            await app.StartAsync(Cancel);

            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var response = await client.GetAsync("/count", Cancel);

            var problem = await PlatformApi.ReadProblemAsync(response, 503, ProblemTypes.DependencyUnavailable);
            Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
            Assert.DoesNotContain(name, problem.ToString(), StringComparison.Ordinal);
            await app.StopAsync(Cancel);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name}");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Cancel);
    }
}
