using Platform.Storage;

namespace Platform.Messaging.Scheduling;

/// <summary>
/// The table of messages waiting for their time (saga timeouts, approval expiry). Add
/// <see cref="Migration"/> to the migrations of the service whose database holds the timers.
/// </summary>
public static class ScheduledMessages
{
    public const string Table = "scheduled_messages";

    public const string TokenIdHeader = "MT-Scheduling-TokenId";

    public static Migration Migration(int version) =>
        new(version, "scheduled messages",
            $"""
            CREATE TABLE {Table} (
                token_id     TEXT PRIMARY KEY,
                destination  TEXT NOT NULL,
                due_at       BIGINT NOT NULL,
                message_type TEXT NOT NULL,
                body         TEXT NOT NULL,
                created_at   BIGINT NOT NULL
            );
            CREATE INDEX ix_{Table}_due ON {Table} (due_at);
            """);
}
