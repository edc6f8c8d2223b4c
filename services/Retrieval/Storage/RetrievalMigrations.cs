using Platform.Storage;

namespace Platform.Retrieval.Storage;

/// <summary>Retrieval's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class RetrievalMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "collections and points", Points("BLOB"), Points("BYTEA")),
    ];

    // Vectors are raw bytes (see VectorBlob); only the column type differs between the engines.
    // Tags are a JSON array: filtering happens while scoring, which reads every row anyway.
    private static string Points(string bytesType) =>
        $"""
        CREATE TABLE collections (
            account_id  TEXT NOT NULL,
            name        TEXT NOT NULL,
            dimension   INTEGER NOT NULL,
            created_at  BIGINT NOT NULL,
            PRIMARY KEY (account_id, name)
        );
        CREATE TABLE points (
            account_id  TEXT NOT NULL,
            collection  TEXT NOT NULL,
            id          TEXT NOT NULL,
            vector      {bytesType} NOT NULL,
            text        TEXT NULL,
            document_id TEXT NULL,
            tags        TEXT NOT NULL,
            updated_at  BIGINT NOT NULL,
            PRIMARY KEY (account_id, collection, id),
            FOREIGN KEY (account_id, collection) REFERENCES collections (account_id, name)
        );
        CREATE INDEX ix_points_document ON points (account_id, collection, document_id);
        """;
}
