using Platform.Ingest.Ingestion;
using Platform.Messaging.Outbox;
using Platform.Messaging.Sagas;
using Platform.Messaging.Scheduling;
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
        // Ingestion: where chunks go, how far each step got, why it failed; the chunk's embedding is
        // kept between the embed and upsert steps (and makes a re-upsert need no re-embedding).
        // chunks_done now counts chunks upserted into Retrieval. NULL keys never collide (both engines).
        new(2, "ingestion progress", Ingestion("BLOB"), Ingestion("BYTEA")),
        SagaTable.Migration<IngestionSaga>(3),
        ScheduledMessages.Migration(4),
        OutboxTable.Migration(5),
    ];

    private static string Ingestion(string bytesType) =>
        $"""
        ALTER TABLE documents ADD COLUMN collection TEXT NOT NULL DEFAULT 'documents';
        ALTER TABLE documents ADD COLUMN idempotency_key TEXT NULL;
        ALTER TABLE documents ADD COLUMN chunks_embedded INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE documents ADD COLUMN failed_step TEXT NULL;
        ALTER TABLE documents ADD COLUMN embedding_tokens BIGINT NOT NULL DEFAULT 0;
        ALTER TABLE documents ADD COLUMN charged BIGINT NULL;
        ALTER TABLE documents ADD COLUMN finished_at BIGINT NULL;
        ALTER TABLE chunks ADD COLUMN vector {bytesType} NULL;
        CREATE UNIQUE INDEX ux_documents_idempotency_key ON documents (account_id, idempotency_key);
        """;
}
