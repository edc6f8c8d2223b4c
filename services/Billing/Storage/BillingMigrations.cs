using Platform.Storage;

namespace Platform.Billing.Storage;

/// <summary>Billing's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class BillingMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "accounts and api keys",
            """
            CREATE TABLE accounts (
                id          TEXT PRIMARY KEY,
                name        TEXT NOT NULL,
                created_at  BIGINT NOT NULL
            );
            CREATE TABLE api_keys (
                id          TEXT PRIMARY KEY,
                account_id  TEXT NOT NULL REFERENCES accounts(id),
                name        TEXT NOT NULL,
                prefix      TEXT NOT NULL,
                key_hash    TEXT NOT NULL UNIQUE,
                created_at  BIGINT NOT NULL,
                revoked_at  BIGINT NULL
            );
            CREATE INDEX ix_api_keys_account ON api_keys (account_id);
            """),
    ];
}
