using Platform.Storage;

namespace Platform.Events.Log;

/// <summary>
/// The tables of the events module, in the hosting service's database (Billing's): the event log,
/// webhook subscriptions with their event types, deliveries (one per subscription and event, plus
/// replays) and every delivery attempt. Add <see cref="Migration"/> to the host's migrations.
/// </summary>
public static class EventTables
{
    public static Migration Migration(int version) =>
        new(version, "events: event log and webhooks", Sql("INTEGER PRIMARY KEY AUTOINCREMENT"), PostgresSql: Sql("BIGSERIAL PRIMARY KEY"));

    private static string Sql(string sequence) =>
        $"""
        CREATE TABLE event_log (
            sequence     {sequence},
            id           TEXT NOT NULL UNIQUE,
            type         TEXT NOT NULL,
            account_id   TEXT NOT NULL,
            subject      TEXT NOT NULL,
            time         BIGINT NOT NULL,
            body         TEXT NOT NULL,
            created_at   BIGINT NOT NULL
        );
        CREATE INDEX ix_event_log_account ON event_log (account_id, sequence);

        CREATE TABLE webhook_subscriptions (
            id                   TEXT PRIMARY KEY,
            account_id           TEXT NOT NULL,
            url                  TEXT NOT NULL,
            description          TEXT NULL,
            event_types          TEXT NOT NULL,
            secret               TEXT NOT NULL,
            previous_secret      TEXT NULL,
            previous_expires_at  BIGINT NULL,
            created_at           BIGINT NOT NULL,
            deleted_at           BIGINT NULL,
            blocked_until        BIGINT NOT NULL DEFAULT 0,
            lease_owner          TEXT NULL,
            lease_until          BIGINT NOT NULL DEFAULT 0
        );
        CREATE INDEX ix_webhook_subscriptions_account ON webhook_subscriptions (account_id, created_at);

        -- What each subscription wants, one row per event type ('*' = all): the fan-out is one INSERT ... SELECT.
        CREATE TABLE webhook_subscription_types (
            subscription_id  TEXT NOT NULL,
            account_id       TEXT NOT NULL,
            event_type       TEXT NOT NULL,
            PRIMARY KEY (subscription_id, event_type)
        );
        CREATE INDEX ix_webhook_subscription_types_account ON webhook_subscription_types (account_id, event_type);

        CREATE TABLE webhook_deliveries (
            sequence          {sequence},
            id                TEXT NOT NULL UNIQUE,
            subscription_id   TEXT NOT NULL,
            account_id        TEXT NOT NULL,
            event_sequence    BIGINT NOT NULL,
            event_id          TEXT NOT NULL,
            status            TEXT NOT NULL,
            attempts          INTEGER NOT NULL DEFAULT 0,
            next_attempt_at   BIGINT NOT NULL,
            last_status_code  INTEGER NULL,
            last_error        TEXT NULL,
            created_at        BIGINT NOT NULL,
            completed_at      BIGINT NULL
        );
        CREATE INDEX ix_webhook_deliveries_queue ON webhook_deliveries (subscription_id, status, sequence);
        CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries (status, subscription_id);

        CREATE TABLE webhook_attempts (
            delivery_id   TEXT NOT NULL,
            attempt       INTEGER NOT NULL,
            started_at    BIGINT NOT NULL,
            duration_ms   BIGINT NOT NULL,
            status_code   INTEGER NULL,
            error         TEXT NULL,
            PRIMARY KEY (delivery_id, attempt)
        );
        """;
}
