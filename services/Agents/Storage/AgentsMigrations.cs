using Platform.Storage;

namespace Platform.Agents.Storage;

/// <summary>Agents's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class AgentsMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "http tools declared by accounts",
            """
            CREATE TABLE http_tools (
                account_id        TEXT NOT NULL,
                name              TEXT NOT NULL,
                description       TEXT NOT NULL,
                method            TEXT NOT NULL,
                url_template      TEXT NOT NULL,
                arguments_schema  TEXT NOT NULL,
                timeout_seconds   BIGINT NOT NULL,
                risk              TEXT NOT NULL,
                created_at        BIGINT NOT NULL,
                PRIMARY KEY (account_id, name)
            );
            """),
    ];
}
