using Platform.Messaging.Outbox;
using Platform.Storage;

namespace Platform.SafetyGuard.Storage;

/// <summary>SafetyGuard's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class SafetyGuardMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        // The audit log never holds the checked text: only its length and SHA-256.
        new(1, "decision audit log",
            """
            CREATE TABLE decisions (
                id              TEXT PRIMARY KEY,
                account_id      TEXT NOT NULL,
                created_at      BIGINT NOT NULL,
                kind            TEXT NOT NULL,
                decision        TEXT NOT NULL,
                rule_ids        TEXT NOT NULL,
                finding_counts  TEXT NOT NULL,
                latency_us      BIGINT NOT NULL,
                text_length     BIGINT NOT NULL,
                text_sha256     TEXT NOT NULL
            );
            CREATE INDEX ix_decisions_account_id ON decisions (account_id, id);
            CREATE INDEX ix_decisions_account_created ON decisions (account_id, created_at);
            """),
        // Action decisions name their tool; classifier scores are kept with prompt decisions.
        new(2, "decision tool and classifier scores",
            """
            ALTER TABLE decisions ADD COLUMN tool TEXT;
            ALTER TABLE decisions ADD COLUMN scores TEXT;
            """),
        // One policy per account: the YAML as the account sent it (it validated completely before it was stored).
        new(3, "account policies",
            """
            CREATE TABLE policies (
                account_id  TEXT PRIMARY KEY,
                policy_id   TEXT NOT NULL,
                yaml        TEXT NOT NULL,
                updated_at  BIGINT NOT NULL
            );
            """),
        // GuardDenied events, written in the audit record's transaction and relayed after commit.
        OutboxTable.Migration(4),
    ];
}
