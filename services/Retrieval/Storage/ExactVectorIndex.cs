using System.Runtime.CompilerServices;
using System.Text.Json;
using Dapper;
using Platform.Retrieval.Index;
using Platform.Retrieval.Index.Hnsw;
using Platform.Storage;

namespace Platform.Retrieval.Storage;

/// <summary>
/// Exact (brute-force) search over vectors kept in Retrieval's database, SQLite or PostgreSQL.
/// A search streams the caller's rows of one collection and scores every one, so its answers are
/// the ground truth that approximate indexes are measured against.
/// </summary>
public sealed class ExactVectorIndex([FromKeyedServices(RetrievalModule.Name)] Database database, TimeProvider clock) : IVectorIndex
{
    public async Task<UpsertResult> UpsertAsync(
        Guid accountId, string collection, IReadOnlyList<VectorPoint> points, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(points.Count);
        var dimension = points[0].Vector.Length;
        if (points.Any(p => p.Vector.Length != dimension))
        {
            throw new ArgumentException("All points of one upsert must have the same dimension.", nameof(points));
        }

        var account = accountId.ToString();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Creating the collection and reading its dimension back in the same transaction settles a
        // race between two first upserts: one creates it, the other sees the winner's dimension.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO collections (account_id, name, dimension, created_at)
            VALUES (@account, @collection, @dimension, @now)
            ON CONFLICT DO NOTHING
            """,
            new { account, collection, dimension, now },
            transaction,
            cancellationToken: cancellationToken));
        var fixedDimension = (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT dimension FROM collections WHERE account_id = @account AND name = @collection",
            new { account, collection },
            transaction,
            cancellationToken: cancellationToken));
        if (fixedDimension != dimension)
        {
            await transaction.RollbackAsync(cancellationToken);
            return UpsertResult.Mismatch(fixedDimension);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO points (account_id, collection, id, vector, text, document_id, tags, updated_at)
            VALUES (@Account, @Collection, @Id, @Vector, @Text, @DocumentId, @Tags, @Now)
            ON CONFLICT (account_id, collection, id) DO UPDATE SET
                vector = excluded.vector,
                text = excluded.text,
                document_id = excluded.document_id,
                tags = excluded.tags,
                updated_at = excluded.updated_at
            """,
            points.Select(p => new
            {
                Account = account,
                Collection = collection,
                p.Id,
                Vector = VectorBlob.Encode(p.Vector),
                p.Text,
                p.DocumentId,
                Tags = JsonSerializer.Serialize(p.Tags ?? []),
                Now = now,
            }),
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return UpsertResult.Written(dimension, points.Count);
    }

    public async Task<bool> DeleteAsync(Guid accountId, string collection, string pointId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM points WHERE account_id = @account AND collection = @collection AND id = @pointId",
            new { account = accountId.ToString(), collection, pointId },
            cancellationToken: cancellationToken));
        return rows == 1;
    }

    public async Task<IReadOnlyList<string>> DeleteDocumentAsync(
        Guid accountId, string collection, string documentId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // RETURNING (PostgreSQL, SQLite 3.35+) names exactly the rows this statement removed, so
        // derived indexes drop those and no others even when writes race.
        var ids = await connection.QueryAsync<string>(new CommandDefinition(
            "DELETE FROM points WHERE account_id = @account AND collection = @collection AND document_id = @documentId RETURNING id",
            new { account = accountId.ToString(), collection, documentId },
            cancellationToken: cancellationToken));
        return [.. ids];
    }

    public async Task<SearchResult> SearchAsync(Guid accountId, string collection, VectorQuery query, CancellationToken cancellationToken)
    {
        var account = accountId.ToString();
        await using var connection = await database.OpenAsync(cancellationToken);
        var dimension = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT dimension FROM collections WHERE account_id = @account AND name = @collection",
            new { account, collection },
            cancellationToken: cancellationToken));
        if (dimension is null)
        {
            return SearchResult.NoCollection;
        }

        if (dimension != query.Vector.Length)
        {
            return SearchResult.WrongDimension((int)dimension);
        }

        // The document filter narrows the rows in SQL (it is indexed); tags are checked per row.
        var sql = "SELECT id, vector, text, document_id AS DocumentId, tags FROM points WHERE account_id = @account AND collection = @collection";
        if (query.Filter.DocumentId is not null)
        {
            sql += " AND document_id = @documentId";
        }

        var top = new TopScores<PointRow>(query.Vector, query.Limit);
        // Unbuffered: memory stays at one row plus the kept hits, however large the collection.
        var rows = connection.QueryUnbufferedAsync<PointRow>(sql, new { account, collection, documentId = query.Filter.DocumentId });
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (query.Filter.Tags is { Count: > 0 } && !query.Filter.Matches(row.DocumentId, row.TagList()))
            {
                continue;
            }

            top.Offer(row, VectorBlob.Decode(row.Vector));
        }

        var points = top.Best()
            .Select(hit => new ScoredPoint(hit.Candidate.Id, hit.Score, hit.Candidate.Text, hit.Candidate.DocumentId, hit.Candidate.TagList()))
            .ToList();
        return SearchResult.Found(points, top.Scanned);
    }

    public async Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(Guid accountId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<CollectionRow>(new CommandDefinition(
            """
            SELECT c.name, c.dimension, c.created_at AS CreatedAt, COUNT(p.id) AS Count
            FROM collections c
            LEFT JOIN points p ON p.account_id = c.account_id AND p.collection = c.name
            WHERE c.account_id = @account
            GROUP BY c.name, c.dimension, c.created_at
            ORDER BY c.name
            """,
            new { account = accountId.ToString() },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new CollectionInfo(r.Name, (int)r.Dimension, r.Count, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt)))];
    }

    /// <summary>The collection's fixed dimension, or null when the account has no such collection.</summary>
    public async Task<int?> DimensionAsync(Guid accountId, string collection, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var dimension = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT dimension FROM collections WHERE account_id = @account AND name = @collection",
            new { account = accountId.ToString(), collection },
            cancellationToken: cancellationToken));
        return (int?)dimension;
    }

    /// <summary>
    /// Count, latest and summed update times of the collection's points: derived indexes compare it
    /// with what they were built from. The sum is taken modulo a prime so it fits a BIGINT on both engines.
    /// </summary>
    public async Task<CollectionFingerprint> FingerprintAsync(Guid accountId, string collection, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<FingerprintRow>(new CommandDefinition(
            """
            SELECT COUNT(*) AS Count,
                   CAST(COALESCE(MAX(updated_at), 0) AS BIGINT) AS LastUpdated,
                   CAST(COALESCE(SUM(updated_at % 1000000007), 0) AS BIGINT) AS UpdatedSum
            FROM points WHERE account_id = @account AND collection = @collection
            """,
            new { account = accountId.ToString(), collection },
            cancellationToken: cancellationToken));
        return new CollectionFingerprint(row.Count, row.LastUpdated, row.UpdatedSum);
    }

    /// <summary>Every point of the account's collection, streamed (for rebuilding derived indexes).</summary>
    public async IAsyncEnumerable<VectorPoint> ReadAllAsync(
        Guid accountId, string collection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = connection.QueryUnbufferedAsync<PointRow>(
            "SELECT id, vector, text, document_id AS DocumentId, tags FROM points WHERE account_id = @account AND collection = @collection ORDER BY id",
            new { account = accountId.ToString(), collection });
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            yield return new VectorPoint(row.Id, VectorBlob.Decode(row.Vector), row.Text, row.DocumentId, row.TagList());
        }
    }

    private sealed class FingerprintRow
    {
        public long Count { get; init; }

        public long LastUpdated { get; init; }

        public long UpdatedSum { get; init; }
    }

    // Settable properties, not a positional record: SQLite reports no type for an aggregate column
    // of an empty result, and Dapper then cannot pick a constructor.
    private sealed class CollectionRow
    {
        public string Name { get; init; } = "";

        public long Dimension { get; init; }

        public long CreatedAt { get; init; }

        public long Count { get; init; }
    }

    private sealed record PointRow(string Id, byte[] Vector, string? Text, string? DocumentId, string Tags)
    {
        private IReadOnlyList<string>? _tags;

        public IReadOnlyList<string> TagList() => _tags ??= JsonSerializer.Deserialize<string[]>(Tags) ?? [];
    }
}
