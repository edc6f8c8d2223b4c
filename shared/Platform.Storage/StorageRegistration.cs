using Microsoft.Extensions.Configuration;
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
        builder.Services.AddHostedService(provider => new DatabaseMigrationService(
            provider.GetRequiredKeyedService<Database>(service),
            migrations,
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<DatabaseMigrator>()));
        builder.Services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
            $"database-{service}",
            provider => new DatabaseHealthCheck(provider.GetRequiredKeyedService<Database>(service)),
            failureStatus: null,
            tags: ["ready"]));
        return builder;
    }

    private sealed class DatabaseMigrationService(Database database, IReadOnlyList<Migration> migrations, ILogger logger)
        : IHostedService
    {
        // Hosted services start before Kestrel listens, so no request sees a missing table.
        public Task StartAsync(CancellationToken cancellationToken) =>
            new DatabaseMigrator(database, migrations, logger).MigrateAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
