using System.Collections.Concurrent;
using Dapper;
using Platform.Storage;

namespace Platform.SafetyGuard.Policies;

/// <summary>
/// Per-account policies (SQLite or PostgreSQL). Only documents that parsed completely are stored, so
/// reading one back cannot fail. Compiled policies are cached briefly: a replica that did not take the
/// PUT picks the change up within <see cref="CacheLifetime"/>; the replica that took it, at once.
/// </summary>
public sealed class PolicyStore([FromKeyedServices(SafetyGuardModule.Name)] Database database, TimeProvider clock)
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, (AccountPolicy Policy, long LoadedAt)> _cache = new();

    public async Task<AccountPolicy> GetAsync(Guid accountId, CancellationToken cancellationToken)
    {
        var now = clock.GetTimestamp();
        if (_cache.TryGetValue(accountId, out var cached) && clock.GetElapsedTime(cached.LoadedAt, now) < CacheLifetime)
        {
            return cached.Policy;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PolicyRow>(new CommandDefinition(
            "SELECT yaml AS Yaml, updated_at AS UpdatedAt FROM policies WHERE account_id = @accountId",
            new { accountId = accountId.ToString() },
            cancellationToken: cancellationToken));
        AccountPolicy policy;
        if (row is null)
        {
            policy = new AccountPolicy(GuardPolicy.Default, GuardPolicy.DefaultYaml, true, null);
        }
        else
        {
            var parsed = PolicyParser.Parse(row.Yaml).Policy
                ?? throw new InvalidOperationException($"The stored policy of account {accountId} no longer parses; it validated when it was stored.");
            policy = new AccountPolicy(parsed, row.Yaml, false, DateTimeOffset.FromUnixTimeMilliseconds(row.UpdatedAt));
        }

        _cache[accountId] = (policy, now);
        return policy;
    }

    public async Task<AccountPolicy> PutAsync(Guid accountId, GuardPolicy policy, string yaml, CancellationToken cancellationToken)
    {
        var updatedAt = DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds());
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO policies (account_id, policy_id, yaml, updated_at) VALUES (@accountId, @policyId, @yaml, @updatedAt)
            ON CONFLICT (account_id) DO UPDATE SET policy_id = excluded.policy_id, yaml = excluded.yaml, updated_at = excluded.updated_at
            """,
            new { accountId = accountId.ToString(), policyId = policy.Id, yaml, updatedAt = updatedAt.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        var stored = new AccountPolicy(policy, yaml, false, updatedAt);
        _cache[accountId] = (stored, clock.GetTimestamp());
        return stored;
    }

    /// <summary>Back to the shipped default. True when the account had a policy of its own.</summary>
    public async Task<bool> DeleteAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM policies WHERE account_id = @accountId",
            new { accountId = accountId.ToString() },
            cancellationToken: cancellationToken));
        _cache.TryRemove(accountId, out _);
        return deleted > 0;
    }

    private sealed class PolicyRow
    {
        public string Yaml { get; set; } = "";
        public long UpdatedAt { get; set; }
    }
}
