using System.Text.Json;
using Dapper;
using Platform.Ingest.Chunking;
using Platform.Storage;

namespace Platform.Ingest.Documents;

/// <summary>
/// Documents and their chunks in Ingest's database (SQLite or PostgreSQL, same SQL). Every query
/// names the owning account, so one account's ids never reach another's rows.
/// </summary>
public sealed class DocumentStore([FromKeyedServices(IngestModule.Name)] Database database, TimeProvider clock)
{
    private const string DocumentColumns =
        """
        id, title, content_type AS ContentType, content_hash AS ContentHash, chars, tags, metadata, state, step,
        chunks_total AS ChunksTotal, chunks_done AS ChunksDone, last_error AS LastError,
        created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    public async Task<Document?> FindAsync(Guid accountId, Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DocumentRow>(new CommandDefinition(
            $"SELECT {DocumentColumns} FROM documents WHERE account_id = @account AND id = @id",
            new { account = accountId.ToString(), id = id.ToString() },
            cancellationToken: cancellationToken));
        return row?.ToDocument();
    }

    public async Task<Document?> FindByHashAsync(Guid accountId, string contentHash, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DocumentRow>(new CommandDefinition(
            $"SELECT {DocumentColumns} FROM documents WHERE account_id = @account AND content_hash = @contentHash",
            new { account = accountId.ToString(), contentHash },
            cancellationToken: cancellationToken));
        return row?.ToDocument();
    }

    /// <summary>
    /// Stores the document with its chunks in one transaction, or, when the account already has a
    /// document with the same content hash, stores nothing and returns that one (Created false).
    /// </summary>
    public async Task<(Document Document, bool Created)> CreateAsync(
        Guid accountId, NewDocument document, IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken)
    {
        // Version 7: ids sort by creation time, so paging by id lists documents oldest first.
        var id = Guid.CreateVersion7();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var account = accountId.ToString();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO documents (id, account_id, content_hash, title, content_type, text, chars, tags, metadata,
                                   state, step, chunks_total, chunks_done, last_error, created_at, updated_at)
            VALUES (@Id, @Account, @ContentHash, @Title, @ContentType, @Text, @Chars, @Tags, @Metadata,
                    @State, @Step, @ChunksTotal, @ChunksDone, NULL, @Now, @Now)
            ON CONFLICT (account_id, content_hash) DO NOTHING
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
                State = Name(DocumentState.Chunked),
                Step = Name(IngestionStep.Chunk),
                ChunksTotal = chunks.Count,
                ChunksDone = chunks.Count,
                Now = now,
            },
            transaction,
            cancellationToken: cancellationToken));

        if (inserted == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            var existing = await FindByHashAsync(accountId, document.ContentHash, cancellationToken)
                ?? throw new InvalidOperationException("A document with this content hash conflicted but cannot be read.");
            return (existing, false);
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
        await transaction.CommitAsync(cancellationToken);

        var created = DateTimeOffset.FromUnixTimeMilliseconds(now);
        return (new Document(
            id.ToString(), document.Title, document.ContentType, document.ContentHash, document.Text.Length,
            document.Tags, document.Metadata, DocumentState.Chunked, IngestionStep.Chunk, chunks.Count, chunks.Count,
            LastError: null, created, created), true);
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

    /// <summary>Deletes the account's document and its chunks; false when there is no such document.</summary>
    public async Task<bool> DeleteAsync(Guid accountId, Guid id, CancellationToken cancellationToken)
    {
        var parameters = new { account = accountId.ToString(), id = id.ToString() };
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM chunks WHERE account_id = @account AND document_id = @id", parameters, transaction, cancellationToken: cancellationToken));
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM documents WHERE account_id = @account AND id = @id", parameters, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return rows == 1;
    }

    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

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
        public string State { get; init; } = "";
        public string Step { get; init; } = "";
        public long ChunksTotal { get; init; }
        public long ChunksDone { get; init; }
        public string? LastError { get; init; }
        public long CreatedAt { get; init; }
        public long UpdatedAt { get; init; }

        public Document ToDocument() => new(
            Id,
            Title,
            ContentType,
            ContentHash,
            (int)Chars,
            JsonSerializer.Deserialize<string[]>(Tags) ?? [],
            JsonSerializer.Deserialize<Dictionary<string, string>>(Metadata) ?? [],
            Parse<DocumentState>(State),
            Parse<IngestionStep>(Step),
            (int)ChunksTotal,
            (int)ChunksDone,
            LastError,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
            DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
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
}
