using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// Registers the database of <paramref name="service"/> as a keyed <see cref="Database"/>,
    /// its readiness check, and a start-up step that applies <paramref name="migrations"/> before
    /// the service accepts traffic.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase(
        this IHostApplicationBuilder builder, string service, IReadOnlyList<Migration> migrations)
    {
        var options = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var connectionString = builder.Configuration.GetConnectionString(service);

        builder.Services.AddKeyedSingleton(service, (_, _) => Database.Create(service, options, connectionString));
        builder.Services.AddSingleton(new DatabaseRegistration(service, migrations));
        // One migration service for all databases of the host (AddHostedService registers a type only once).
        builder.Services.AddHostedService<DatabaseMigrationService>();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"database-{service}",
            provider => new DatabaseHealthCheck(provider.GetRequiredKeyedService<Database>(service)),
            failureStatus: null,
            tags: ["ready"]));
        return builder;
    }

    private sealed record DatabaseRegistration(string Service, IReadOnlyList<Migration> Migrations);

    private sealed class DatabaseMigrationService(
        IEnumerable<DatabaseRegistration> registrations, IServiceProvider services, ILogger<DatabaseMigrator> logger)
        : IHostedService
    {
        // Hosted services start before Kestrel listens, so no request sees a missing table.
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            foreach (var registration in registrations)
            {
                var database = services.GetRequiredKeyedService<Database>(registration.Service);
                await new DatabaseMigrator(database, registration.Migrations, logger).MigrateAsync(cancellationToken);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
