using Platform.Storage;

namespace Platform.Messaging.Outbox;

/// <summary>
/// Messages written in the same transaction as the state change that caused them, relayed to the
/// bus after commit by <see cref="OutboxRelay"/>. The sequence orders them: the relay publishes in
/// commit order, so events about one subject arrive in the order they happened. The writer's W3C
/// trace context is kept beside each message, so the trace goes on across the bus after the relay.
/// </summary>
public static class OutboxTable
{
    public const string Name = "outbox_messages";

    public static Migration Migration(int version) =>
        new(version, "transactional outbox",
            $"""
            CREATE TABLE {Name} (
                sequence     INTEGER PRIMARY KEY AUTOINCREMENT,
                message_id   TEXT NOT NULL UNIQUE,
                message_type TEXT NOT NULL,
                body         TEXT NOT NULL,
                created_at   BIGINT NOT NULL,
                trace_parent TEXT NULL,
                trace_state  TEXT NULL,
                destination      TEXT NULL,
                request_id       TEXT NULL,
                response_address TEXT NULL
            );
            """,
            PostgresSql:
            $"""
            CREATE TABLE {Name} (
                sequence     BIGSERIAL PRIMARY KEY,
                message_id   TEXT NOT NULL UNIQUE,
                message_type TEXT NOT NULL,
                body         TEXT NOT NULL,
                created_at   BIGINT NOT NULL,
                trace_parent TEXT NULL,
                trace_state  TEXT NULL,
                destination      TEXT NULL,
                request_id       TEXT NULL,
                response_address TEXT NULL
            );
            """);
}
