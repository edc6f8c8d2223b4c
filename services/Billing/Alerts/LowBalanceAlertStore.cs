using Dapper;
using Platform.Storage;

namespace Platform.Billing.Alerts;

/// <summary>Low-balance thresholds per account. The ledger's batches read and (dis)arm them in their own transaction.</summary>
public sealed class LowBalanceAlertStore([FromKeyedServices(BillingModule.Name)] Database database, TimeProvider clock)
{
    public async Task<LowBalanceAlert?> FindAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<LowBalanceAlert>(new CommandDefinition(
            "SELECT account_id AS AccountId, threshold AS Threshold, armed AS Armed, updated_at AS UpdatedAt FROM low_balance_alerts WHERE account_id = @account",
            new { account = accountId.ToString("D") }, cancellationToken: cancellationToken));
    }

    /// <summary>Sets the threshold and arms the alert: the next ledger change that leaves the balance below it raises the event.</summary>
    public async Task<LowBalanceAlert> SetAsync(Guid accountId, long threshold, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO low_balance_alerts (account_id, threshold, armed, updated_at) VALUES (@account, @threshold, 1, @now)
            ON CONFLICT (account_id) DO UPDATE SET threshold = excluded.threshold, armed = 1, updated_at = excluded.updated_at
            """,
            new { account = accountId.ToString("D"), threshold, now }, cancellationToken: cancellationToken));
        return new LowBalanceAlert { AccountId = accountId.ToString("D"), Threshold = threshold, Armed = true, UpdatedAt = now };
    }

    public async Task<bool> DeleteAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM low_balance_alerts WHERE account_id = @account",
            new { account = accountId.ToString("D") }, cancellationToken: cancellationToken)) == 1;
    }
}
