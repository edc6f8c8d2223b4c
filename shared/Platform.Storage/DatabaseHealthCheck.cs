using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.Storage;

/// <summary>Ready only when the service's own database answers a query.</summary>
public sealed class DatabaseHealthCheck(Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<int>("SELECT 1");
            return HealthCheckResult.Healthy($"{database.Provider} database '{database.Name}' answers");
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy($"{database.Provider} database '{database.Name}' does not answer", exception);
        }
    }
}
