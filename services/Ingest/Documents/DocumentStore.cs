using System.Data.Common;
using System.Text.Json;
using Dapper;
using Platform.Contracts.Ingest;
using Platform.Contracts.Retrieval;
using Platform.Ingest.Chunking;
using Platform.Messaging.Outbox;
using Platform.Storage;

namespace Platform.Ingest.Documents;

/// <summary>
/// Documents and their chunks in Ingest's database (SQLite or PostgreSQL, same SQL). Every query
/// the API makes names the owning account, so one account's ids never reach another's rows. The
/// ingestion saga's writes join its transaction (<see cref="AmbientTransaction"/>), so the status,
/// the saga's state and the messages they cause commit together.
/// </summary>
public sealed class DocumentStore([FromKeyedServices(IngestModule.Name)] Database database, TransactionalOutbox outbox, TimeProvider clock)
{
    private const string DocumentColumns =
        """
        id, title, content_type AS ContentType, content_hash AS ContentHash, chars, tags, metadata, collection, state, step,
        chunks_total AS ChunksTotal, chunks_embedded AS ChunksEmbedded, chunks_done AS ChunksIndexed,
        embedding_tokens AS EmbeddingTokens, charged, failed_step AS FailedStep, last_error AS LastError,
        created_at AS CreatedAt, updated_at AS UpdatedAt, finished_at AS FinishedAt
        """;

    public async Task<Document?> FindAsync(Guid accountId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindAsync(connection, null, "id = @value", accountId, id.ToString(), cancellationToken);
    }

    public async Task<Document?> FindByHashAsync(Guid accountId, string contentHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindAsync(connection, null, "content_hash = @value", accountId, contentHash, cancellationToken);
    }

    public async Task<Document?> FindByIdempotencyKeyAsync(Guid accountId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindAsync(connection, null, "idempotency_key = @value", accountId, key, cancellationToken);
    }

    /// <summary>
    /// Stores the document with its chunks and its <see cref="DocumentSubmitted"/> in one transaction.
    /// When the account already has a document with the same content hash, or the same idempotency
    /// key, stores nothing: the same content answers that document (Duplicate), a key already used
    /// for other content answers it too, with IdempotencyConflict.
    /// </summary>
    public async Task<(Document Document, SubmitOutcome Outcome)> CreateAsync(
        Guid accountId, NewDocument document, IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken)
    {
        // Version 7: ids sort by creation time, so paging by id lists documents oldest first.
        var id = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var account = accountId.ToString();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // No conflict target: either unique pair (account + hash, account + key) makes it a no-op.
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO documents (id, account_id, content_hash, title, content_type, text, chars, tags, metadata, collection,
                                   idempotency_key, state, step, chunks_total, chunks_embedded, chunks_done, last_error,
                                   created_at, updated_at)
            VALUES (@Id, @Account, @ContentHash, @Title, @ContentType, @Text, @Chars, @Tags, @Metadata, @Collection,
                    @IdempotencyKey, @State, @Step, @ChunksTotal, 0, 0, NULL, @Now, @Now)
            ON CONFLICT DO NOTHING
            """,
            new
            {
                Id = id.ToString(),
                Account = account,
                document.ContentHash,
                document.Title,
                document.ContentType,
                document.Text,
                Chars = document.Text.Length,
                Tags = JsonSerializer.Serialize(document.Tags),
                Metadata = JsonSerializer.Serialize(document.Metadata),
                document.Collection,
                document.IdempotencyKey,
                State = Name(DocumentState.Queued),
                Step = Name(IngestionStep.Chunk),
                ChunksTotal = chunks.Count,
                Now = now.ToUnixTimeMilliseconds(),
            },
            transaction,
            cancellationToken: cancellationToken));

        if (inserted == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            if (document.IdempotencyKey is { } key && await FindAsync(connection, null, "idempotency_key = @value", accountId, key, cancellationToken) is { } keyed)
            {
                return (keyed, keyed.ContentHash == document.ContentHash ? SubmitOutcome.Duplicate : SubmitOutcome.IdempotencyConflict);
            }

            var existing = await FindAsync(connection, null, "content_hash = @value", accountId, document.ContentHash, cancellationToken)
                ?? throw new InvalidOperationException("A document submission conflicted but the document it conflicted with cannot be read.");
            return (existing, SubmitOutcome.Duplicate);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO chunks (document_id, ordinal, account_id, text, start_offset, length, heading_path)
            VALUES (@DocumentId, @Index, @Account, @Text, @Start, @Length, @HeadingPath)
            """,
            chunks.Select(c => new
            {
                DocumentId = id.ToString(),
                c.Index,
                Account = account,
                c.Text,
                c.Start,
                c.Length,
                HeadingPath = JsonSerializer.Serialize(c.HeadingPath),
            }),
            transaction,
            cancellationToken: cancellationToken));
        await outbox.PublishAsync(new DocumentSubmitted(id, accountId, document.Collection, chunks.Count, now), connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        return (new Document(
            id.ToString(), document.Title, document.ContentType, document.ContentHash, document.Text.Length, document.Tags, document.Metadata,
            document.Collection, DocumentState.Queued, IngestionStep.Chunk, chunks.Count, 0, 0, 0, 0, null, null, null, now, now, null),
            SubmitOutcome.Created);
    }

    public async Task<IReadOnlyList<Document>> ListAsync(Guid accountId, int limit, Guid? after, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var sql = $"SELECT {DocumentColumns} FROM documents WHERE account_id = @account";
        if (after is not null)
        {
            sql += " AND id > @after";
        }

        var rows = await connection.QueryAsync<DocumentRow>(new CommandDefinition(
            sql + " ORDER BY id LIMIT @limit",
            new { account = accountId.ToString(), after = after?.ToString(), limit },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToDocument())];
    }

    /// <summary>Chunks of the account's document after index <paramref name="after"/>; null when there is no such document.</summary>
    public async Task<IReadOnlyList<StoredChunk>?> ListChunksAsync(
        Guid accountId, Guid documentId, int limit, int after, CancellationToken cancellationToken)
    {
        var account = accountId.ToString();
        await using var connection = await database.OpenAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT 1 FROM documents WHERE account_id = @account AND id = @id",
            new { account, id = documentId.ToString() },
            cancellationToken: cancellationToken));
        if (exists is null)
        {
            return null;
        }

        var rows = await connection.QueryAsync<ChunkRow>(new CommandDefinition(
            """
            SELECT ordinal AS "Index", text, start_offset AS Start, length, heading_path AS HeadingPath
            FROM chunks
            WHERE account_id = @account AND document_id = @id AND ordinal > @after
            ORDER BY ordinal LIMIT @limit
            """,
            new { account, id = documentId.ToString(), after, limit },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToChunk())];
    }

    /// <summary>
    /// Deletes the account's document and its chunks, and in the same transaction asks Retrieval to
    /// delete the document's points (through the outbox, so the request survives a crash); false
    /// when there is no such document. An ingestion still running finds the document gone at its
    /// next step and ends as failed, deleting its points again.
    /// </summary>
    public async Task<bool> DeleteAsync(Guid accountId, Guid id, CancellationToken cancellationToken)
    {
        var parameters = new { account = accountId.ToString(), id = id.ToString() };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var collection = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT collection FROM documents WHERE account_id = @account AND id = @id", parameters, transaction, cancellationToken: cancellationToken));
        if (collection is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM chunks WHERE account_id = @account AND document_id = @id", parameters, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM documents WHERE account_id = @account AND id = @id", parameters, transaction, cancellationToken: cancellationToken));
        await outbox.PublishAsync(new DeleteDocumentChunks(accountId, collection, id.ToString()), connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    // The ingestion saga's writes: inside its transaction, for whichever account owns the document.
    // Each returns false when the document is gone (deleted) or already final.

    /// <summary>Queued -> indexing; false (nothing changed) unless the document is queued.</summary>
    public Task<bool> BeginAsync(Guid documentId, CancellationToken cancellationToken) =>
        UpdateAsync(documentId, "state = @State, step = @Step", "state = @Queued",
            new { State = Name(DocumentState.Indexing), Step = Name(IngestionStep.Embed), Queued = Name(DocumentState.Queued) }, cancellationToken);

    public Task<bool> ProgressAsync(Guid documentId, IngestionStep step, int embedded, int indexed, long tokens, CancellationToken cancellationToken) =>
        UpdateAsync(documentId, "step = @Step, chunks_embedded = @Embedded, chunks_done = @Indexed, embedding_tokens = @Tokens", "state = @Indexing",
            new { Step = Name(step), Embedded = embedded, Indexed = indexed, Tokens = tokens, Indexing = Name(DocumentState.Indexing) }, cancellationToken);

    public Task<bool> CompleteAsync(Guid documentId, long charged, CancellationToken cancellationToken) =>
        UpdateAsync(documentId, "state = @State, charged = @Charged, finished_at = @Now", "state = @Indexing",
            new { State = Name(DocumentState.Indexed), Charged = charged, Indexing = Name(DocumentState.Indexing) }, cancellationToken);

    /// <summary>Fails the document unless it already ended (the first failure is the one reported).</summary>
    public Task<bool> FailAsync(Guid documentId, IngestionStep step, string reason, CancellationToken cancellationToken) =>
        UpdateAsync(documentId, "state = @State, step = @Step, failed_step = @Step, last_error = @Reason, finished_at = @Now", "state IN (@Queued, @Indexing)",
            new { State = Name(DocumentState.Failed), Step = Name(step), Reason = reason, Queued = Name(DocumentState.Queued), Indexing = Name(DocumentState.Indexing) },
            cancellationToken);

    // The ingestion workers' reads and writes (their own connections; they run outside the saga).

    /// <summary>Chunks [first, first + count) of the document with the owner, collection and tags; null when the document is gone.</summary>
    public async Task<ChunkBatch?> ReadBatchAsync(Guid documentId, int first, int count, bool withVectors, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var header = await connection.QuerySingleOrDefaultAsync<BatchHeaderRow>(new CommandDefinition(
            "SELECT account_id AS AccountId, collection, tags FROM documents WHERE id = @id",
            new { id = documentId.ToString() },
            cancellationToken: cancellationToken));
        if (header is null)
        {
            return null;
        }

        var rows = await connection.QueryAsync<BatchChunkRow>(new CommandDefinition(
            $"""
            SELECT ordinal AS "Index", text, {(withVectors ? "vector" : "NULL AS vector")}
            FROM chunks WHERE document_id = @id AND ordinal >= @first AND ordinal < @end
            ORDER BY ordinal
            """,
            new { id = documentId.ToString(), first, end = first + count },
            cancellationToken: cancellationToken));
        return new ChunkBatch(
            Guid.Parse(header.AccountId),
            header.Collection,
            JsonSerializer.Deserialize<string[]>(header.Tags) ?? [],
            [.. rows.Select(r => new BatchChunk((int)r.Index, r.Text, r.Vector is null ? null : VectorBytes.Decode(r.Vector)))]);
    }

    /// <summary>Keeps the embeddings of chunks between the embed and upsert steps (a repeat overwrites them with the same values).</summary>
    public async Task StoreVectorsAsync(Guid documentId, IReadOnlyList<(int Index, float[] Vector)> vectors, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE chunks SET vector = @Vector WHERE document_id = @DocumentId AND ordinal = @Index",
            vectors.Select(v => new { DocumentId = documentId.ToString(), v.Index, Vector = VectorBytes.Encode(v.Vector) }),
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<Document?> FindAsync(
        DbConnection connection, DbTransaction? transaction, string condition, Guid accountId, string value, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<DocumentRow>(new CommandDefinition(
            $"SELECT {DocumentColumns} FROM documents WHERE account_id = @account AND {condition}",
            new { account = accountId.ToString(), value },
            transaction,
            cancellationToken: cancellationToken));
        return row?.ToDocument();
    }

    private async Task<bool> UpdateAsync(Guid documentId, string set, string condition, object values, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(values);
        parameters.Add("Id", documentId.ToString());
        parameters.Add("Now", clock.GetUtcNow().ToUnixTimeMilliseconds());
        await using var lease = await DatabaseLease.JoinOrOpenAsync(database, cancellationToken);
        var (connection, transaction) = lease;
        return await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE documents SET {set}, updated_at = @Now WHERE id = @Id AND {condition}", parameters, transaction, cancellationToken: cancellationToken)) == 1;
    }

    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static T Parse<T>(string value) where T : struct, Enum => Enum.Parse<T>(value, ignoreCase: true);

    // Settable properties, not positional records: Dapper then converts SQLite's 64-bit integers per column.
    private sealed class DocumentRow
    {
        public string Id { get; init; } = "";
        public string? Title { get; init; }
        public string ContentType { get; init; } = "";
        public string ContentHash { get; init; } = "";
        public long Chars { get; init; }
        public string Tags { get; init; } = "[]";
        public string Metadata { get; init; } = "{}";
        public string Collection { get; init; } = "";
        public string State { get; init; } = "";
        public string Step { get; init; } = "";
        public long ChunksTotal { get; init; }
        public long ChunksEmbedded { get; init; }
        public long ChunksIndexed { get; init; }
        public long EmbeddingTokens { get; init; }
        public long? Charged { get; init; }
        public string? FailedStep { get; init; }
        public string? LastError { get; init; }
        public long CreatedAt { get; init; }
        public long UpdatedAt { get; init; }
        public long? FinishedAt { get; init; }

        public Document ToDocument()
        {
            var state = Parse<DocumentState>(State);
            return new(
                Id,
                Title,
                ContentType,
                ContentHash,
                (int)Chars,
                JsonSerializer.Deserialize<string[]>(Tags) ?? [],
                JsonSerializer.Deserialize<Dictionary<string, string>>(Metadata) ?? [],
                Collection,
                state,
                Parse<IngestionStep>(Step),
                (int)ChunksTotal,
                (int)ChunksEmbedded,
                (int)ChunksIndexed,
                Document.PercentOf(state, (int)ChunksTotal, (int)ChunksEmbedded, (int)ChunksIndexed),
                EmbeddingTokens,
                Charged,
                FailedStep is null ? null : Parse<IngestionStep>(FailedStep),
                LastError,
                DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
                DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt),
                FinishedAt is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(FinishedAt.Value));
        }
    }

    private sealed class ChunkRow
    {
        public long Index { get; init; }
        public string Text { get; init; } = "";
        public long Start { get; init; }
        public long Length { get; init; }
        public string HeadingPath { get; init; } = "[]";

        public StoredChunk ToChunk() =>
            new((int)Index, Text, (int)Start, (int)Length, JsonSerializer.Deserialize<string[]>(HeadingPath) ?? []);
    }

    private sealed class BatchHeaderRow
    {
        public string AccountId { get; init; } = "";
        public string Collection { get; init; } = "";
        public string Tags { get; init; } = "[]";
    }

    private sealed class BatchChunkRow
    {
        public long Index { get; init; }
        public string Text { get; init; } = "";
        public byte[]? Vector { get; init; }
    }
}
