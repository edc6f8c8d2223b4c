using Dapper;
using Platform.ServiceDefaults.Security;
using Platform.Storage;

namespace Platform.Billing.Accounts;

/// <summary>Accounts and API keys in Billing's database (SQLite or PostgreSQL, same SQL).</summary>
public sealed class AccountStore([FromKeyedServices(BillingModule.Name)] Database database, TimeProvider clock)
{
    public async Task<Account> CreateAccountAsync(string name, CancellationToken cancellationToken)
    {
        var account = new Account(Guid.NewGuid(), name, Truncate(clock.GetUtcNow()));
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The account and its ledger account (limited: debits must not exceed credits) exist together or not at all.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO accounts (id, name, created_at) VALUES (@Id, @Name, @CreatedAt);
            INSERT INTO ledger_accounts (id, debits_must_not_exceed_credits, created_at) VALUES (@Id, 1, @CreatedAt);
            """,
            new { Id = account.Id.ToString(), account.Name, CreatedAt = account.CreatedAt.ToUnixTimeMilliseconds() },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return account;
    }

    public async Task<Account?> FindAccountAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<AccountRow>(new CommandDefinition(
            "SELECT id, name, created_at AS CreatedAt FROM accounts WHERE id = @id",
            new { id = id.ToString() },
            cancellationToken: cancellationToken));
        return row?.ToAccount();
    }

    public async Task<IReadOnlyList<Account>> ListAccountsAsync(int limit, string? after, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AccountRow>(new CommandDefinition(
            """
            SELECT id, name, created_at AS CreatedAt FROM accounts
            WHERE @after IS NULL OR id > @after
            ORDER BY id LIMIT @limit
            """,
            new { after, limit },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToAccount())];
    }

    public async Task<CreatedApiKey> CreateKeyAsync(Guid accountId, string name, CancellationToken cancellationToken)
    {
        var secret = ApiKeys.Generate();
        var key = new ApiKey(
            "key_" + Guid.NewGuid().ToString("N")[..16],
            accountId,
            name,
            secret[..(ApiKeys.Prefix.Length + 6)],
            Truncate(clock.GetUtcNow()),
            RevokedAt: null);
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO api_keys (id, account_id, name, prefix, key_hash, created_at)
            VALUES (@Id, @AccountId, @Name, @Prefix, @Hash, @CreatedAt)
            """,
            new
            {
                key.Id,
                AccountId = accountId.ToString(),
                key.Name,
                key.Prefix,
                Hash = ApiKeys.Hash(secret),
                CreatedAt = key.CreatedAt.ToUnixTimeMilliseconds(),
            },
            cancellationToken: cancellationToken));
        return new CreatedApiKey(key, secret);
    }

    public async Task<IReadOnlyList<ApiKey>> ListKeysAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ApiKeyRow>(new CommandDefinition(
            $"SELECT {KeyColumns} FROM api_keys WHERE account_id = @accountId ORDER BY created_at, id",
            new { accountId = accountId.ToString() },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToApiKey())];
    }

    /// <summary>Revokes a key of the account; false when the account has no such key. Revoking twice is fine.</summary>
    public async Task<bool> RevokeKeyAsync(Guid accountId, string keyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @now)
            WHERE id = @keyId AND account_id = @accountId
            """,
            new { keyId, accountId = accountId.ToString(), now = clock.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken));
        return rows == 1;
    }

    /// <summary>The live (not revoked) key with this hash.</summary>
    public async Task<ApiKey?> FindLiveKeyByHashAsync(string keyHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ApiKeyRow>(new CommandDefinition(
            $"SELECT {KeyColumns} FROM api_keys WHERE key_hash = @keyHash AND revoked_at IS NULL",
            new { keyHash },
            cancellationToken: cancellationToken));
        return row?.ToApiKey();
    }

    private const string KeyColumns =
        "id, account_id AS AccountId, name, prefix, created_at AS CreatedAt, revoked_at AS RevokedAt";

    // Stored as Unix milliseconds; returning the truncated value keeps create and read identical.
    private static DateTimeOffset Truncate(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private sealed record AccountRow(string Id, string Name, long CreatedAt)
    {
        public Account ToAccount() => new(Guid.Parse(Id), Name, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt));
    }

    private sealed record ApiKeyRow(string Id, string AccountId, string Name, string Prefix, long CreatedAt, long? RevokedAt)
    {
        public ApiKey ToApiKey() => new(
            Id,
            Guid.Parse(AccountId),
            Name,
            Prefix,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
            RevokedAt is { } revoked ? DateTimeOffset.FromUnixTimeMilliseconds(revoked) : null);
    }
}
