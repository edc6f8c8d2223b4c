using Platform.Storage;

namespace Platform.Ingest.Storage;

/// <summary>Ingest's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class IngestMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        // The unique (account, hash) pair makes a submission idempotent even when two arrive at once.
        new(1, "documents and chunks",
            """
            CREATE TABLE documents (
                id            TEXT PRIMARY KEY,
                account_id    TEXT NOT NULL,
                content_hash  TEXT NOT NULL,
                title         TEXT NULL,
                content_type  TEXT NOT NULL,
                text          TEXT NOT NULL,
                chars         INTEGER NOT NULL,
                tags          TEXT NOT NULL,
                metadata      TEXT NOT NULL,
                state         TEXT NOT NULL,
                step          TEXT NOT NULL,
                chunks_total  INTEGER NOT NULL,
                chunks_done   INTEGER NOT NULL,
                last_error    TEXT NULL,
                created_at    BIGINT NOT NULL,
                updated_at    BIGINT NOT NULL,
                UNIQUE (account_id, content_hash)
            );
            CREATE INDEX ix_documents_account ON documents (account_id, id);
            CREATE TABLE chunks (
                document_id   TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                ordinal       INTEGER NOT NULL,
                account_id    TEXT NOT NULL,
                text          TEXT NOT NULL,
                start_offset  INTEGER NOT NULL,
                length        INTEGER NOT NULL,
                heading_path  TEXT NOT NULL,
                PRIMARY KEY (document_id, ordinal)
            );
            """),
    ];
}
