using Platform.Events.Log;
using Platform.Messaging.Outbox;
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
        new(2, "ledger, usage and prices",
            """
            CREATE TABLE ledger_accounts (
                id                              TEXT PRIMARY KEY,
                debits_must_not_exceed_credits  INTEGER NOT NULL,
                debits_pending                  BIGINT NOT NULL DEFAULT 0,
                debits_posted                   BIGINT NOT NULL DEFAULT 0,
                credits_pending                 BIGINT NOT NULL DEFAULT 0,
                credits_posted                  BIGINT NOT NULL DEFAULT 0,
                created_at                      BIGINT NOT NULL
            );
            INSERT INTO ledger_accounts (id, debits_must_not_exceed_credits, created_at) VALUES ('system:operator', 0, 0);
            INSERT INTO ledger_accounts (id, debits_must_not_exceed_credits, created_at) VALUES ('system:revenue', 0, 0);
            INSERT INTO ledger_accounts (id, debits_must_not_exceed_credits, created_at) SELECT id, 1, created_at FROM accounts;

            CREATE TABLE transfers (
                account_id      TEXT NOT NULL,
                id              TEXT NOT NULL,
                kind            TEXT NOT NULL,
                debit_account   TEXT NOT NULL,
                credit_account  TEXT NOT NULL,
                amount          BIGINT NOT NULL,
                pending_id      TEXT NULL,
                expires_at      BIGINT NULL,
                request         TEXT NOT NULL,
                created_at      BIGINT NOT NULL,
                PRIMARY KEY (account_id, id)
            );
            -- A reservation is resolved at most once, and the database says so too.
            CREATE UNIQUE INDEX ux_transfers_resolution ON transfers (account_id, pending_id) WHERE pending_id IS NOT NULL;
            CREATE INDEX ix_transfers_account_time ON transfers (account_id, created_at);

            -- Index of reservations not yet resolved (transfers themselves never change): what the sweeper scans.
            CREATE TABLE open_reservations (
                account_id   TEXT NOT NULL,
                transfer_id  TEXT NOT NULL,
                amount       BIGINT NOT NULL,
                expires_at   BIGINT NOT NULL,
                PRIMARY KEY (account_id, transfer_id)
            );
            CREATE INDEX ix_open_reservations_expiry ON open_reservations (expires_at);

            CREATE TABLE usage_records (
                account_id        TEXT NOT NULL,
                id                TEXT NOT NULL,
                kind              TEXT NOT NULL,
                model             TEXT NULL,
                run_id            TEXT NULL,
                reservation_id    TEXT NULL,
                input_tokens      BIGINT NOT NULL,
                output_tokens     BIGINT NOT NULL,
                embedding_tokens  BIGINT NOT NULL,
                render_ms         BIGINT NOT NULL,
                tool_calls        BIGINT NOT NULL,
                charge            BIGINT NOT NULL,
                transfer_id       TEXT NULL,
                request           TEXT NOT NULL,
                created_at        BIGINT NOT NULL,
                PRIMARY KEY (account_id, id)
            );
            CREATE INDEX ix_usage_account_time ON usage_records (account_id, created_at);

            CREATE TABLE prices (
                item          TEXT PRIMARY KEY,
                micro_credits BIGINT NOT NULL,
                updated_at    BIGINT NOT NULL
            );
            """),
        // Billing's integration events (credits reserved/captured/released, balance low) leave through it.
        OutboxTable.Migration(3),
        new(4, "low-balance alerts",
            """
            CREATE TABLE low_balance_alerts (
                account_id  TEXT PRIMARY KEY,
                threshold   BIGINT NOT NULL,
                armed       INTEGER NOT NULL,
                updated_at  BIGINT NOT NULL
            );
            """),
        // The events module is hosted here (Billing owns the accounts webhooks belong to).
        EventTables.Migration(5),
    ];
}
