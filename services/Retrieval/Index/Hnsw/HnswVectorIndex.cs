using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Retrieval.Storage;

namespace Platform.Retrieval.Index.Hnsw;

/// <summary>
/// The standalone backend: points are written to the database first (the source of truth, via
/// <see cref="ExactVectorIndex"/>), then to an in-memory HNSW graph per account and collection,
/// which answers searches. Graphs are saved to <c>{directory}/{account}/{collection}.hnsw</c> by
/// <see cref="HnswMaintenance"/> and loaded back lazily or at start; a missing, damaged or stale
/// file (its fingerprint differs from the database's) is replaced by a rebuild from the rows.
/// One graph per account makes tenant isolation structural: a search never sees another
/// account's nodes. Assumes this process is the only writer of the Retrieval database.
/// </summary>
public sealed class HnswVectorIndex(ExactVectorIndex store, HnswOptions options, string directory, ILogger<HnswVectorIndex> logger)
    : IVectorIndex, IDisposable
{
    private const int RebuildBatch = 1_000;
    private const string FileExtension = ".hnsw";

    private readonly ConcurrentDictionary<(Guid Account, string Collection), HnswCollection> _collections = new();

    public string Directory { get; } = directory;

    public async Task<UpsertResult> UpsertAsync(Guid accountId, string collection, IReadOnlyList<VectorPoint> points, CancellationToken cancellationToken)
    {
        var entry = _collections.GetOrAdd((accountId, collection), key => new HnswCollection(key.Account, key.Collection));
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureLoadedAsync(entry, cancellationToken);
            var result = await store.UpsertAsync(accountId, collection, points, cancellationToken);
            if (!result.DimensionMismatch)
            {
                Apply(entry, graph => graph.Upsert(points), result.Dimension);
            }

            return result;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public async Task<bool> DeleteAsync(Guid accountId, string collection, string pointId, CancellationToken cancellationToken)
    {
        var entry = await OpenAsync(accountId, collection, cancellationToken);
        if (entry is null)
        {
            return false;
        }

        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureLoadedAsync(entry, cancellationToken);
            var deleted = await store.DeleteAsync(accountId, collection, pointId, cancellationToken);
            if (deleted && entry.Graph is { } graph)
            {
                Apply(entry, g => g.Delete(pointId), graph.Dimension);
            }

            return deleted;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public async Task<IReadOnlyList<string>> DeleteDocumentAsync(
        Guid accountId, string collection, string documentId, CancellationToken cancellationToken)
    {
        var entry = await OpenAsync(accountId, collection, cancellationToken);
        if (entry is null)
        {
            return [];
        }

        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureLoadedAsync(entry, cancellationToken);
            var deleted = await store.DeleteDocumentAsync(accountId, collection, documentId, cancellationToken);
            if (deleted.Count > 0 && entry.Graph is { } graph)
            {
                Apply(entry, g =>
                {
                    foreach (var id in deleted)
                    {
                        g.Delete(id);
                    }
                }, graph.Dimension);
            }

            return deleted;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public async Task<SearchResult> SearchAsync(Guid accountId, string collection, VectorQuery query, CancellationToken cancellationToken)
    {
        var entry = await OpenAsync(accountId, collection, cancellationToken);
        if (entry?.Graph is not { } graph)
        {
            return SearchResult.NoCollection;
        }

        return graph.Dimension != query.Vector.Length
            ? SearchResult.WrongDimension(graph.Dimension)
            : graph.Search(query.Vector, query.Limit, query.Filter);
    }

    public Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(Guid accountId, CancellationToken cancellationToken) =>
        store.ListCollectionsAsync(accountId, cancellationToken);

    /// <summary>Loads every collection that has an index file, so the first searches need no rebuild.</summary>
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }

        foreach (var accountDirectory in System.IO.Directory.EnumerateDirectories(Directory))
        {
            if (!Guid.TryParseExact(Path.GetFileName(accountDirectory), "N", out var accountId))
            {
                continue;
            }

            foreach (var file in System.IO.Directory.EnumerateFiles(accountDirectory, "*" + FileExtension))
            {
                await OpenAsync(accountId, Path.GetFileNameWithoutExtension(file), cancellationToken);
            }
        }
    }

    /// <summary>Writes every collection whose graph changed since its last save.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in _collections.Values)
        {
            if (Volatile.Read(ref entry.Changes) == Volatile.Read(ref entry.Saved))
            {
                continue;
            }

            await entry.Gate.WaitAsync(cancellationToken);
            try
            {
                if (entry.Graph is not { } graph || entry.Changes == entry.Saved)
                {
                    continue;
                }

                var started = Stopwatch.GetTimestamp();
                var fingerprint = await store.FingerprintAsync(entry.AccountId, entry.Name, cancellationToken);
                HnswFile.Save(PathOf(entry), graph, fingerprint);
                entry.Saved = entry.Changes;
                logger.LogDebug(
                    "Saved the index of collection {Collection} of account {AccountId}: {Points} points in {ElapsedMs:0} ms",
                    entry.Name, entry.AccountId, graph.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            finally
            {
                entry.Gate.Release();
            }
        }
    }

    public void Dispose()
    {
        foreach (var entry in _collections.Values)
        {
            entry.Graph?.Dispose();
            entry.Gate.Dispose();
        }
    }

    /// <summary>The collection, loaded; null when the account has no such collection (nothing is cached then).</summary>
    private async Task<HnswCollection?> OpenAsync(Guid accountId, string collection, CancellationToken cancellationToken)
    {
        if (_collections.TryGetValue((accountId, collection), out var known) && known.Loaded)
        {
            return known;
        }

        if (known is null && await store.DimensionAsync(accountId, collection, cancellationToken) is null)
        {
            return null;
        }

        var entry = _collections.GetOrAdd((accountId, collection), key => new HnswCollection(key.Account, key.Collection));
        await entry.Gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureLoadedAsync(entry, cancellationToken);
        }
        finally
        {
            entry.Gate.Release();
        }

        return entry;
    }

    /// <summary>Under the collection's gate: the graph from its file when current, else rebuilt from the database.</summary>
    private async Task EnsureLoadedAsync(HnswCollection entry, CancellationToken cancellationToken)
    {
        if (entry.Loaded)
        {
            return;
        }

        var dimension = await store.DimensionAsync(entry.AccountId, entry.Name, cancellationToken);
        if (dimension is null)
        {
            entry.Loaded = true;
            return;
        }

        var fingerprint = await store.FingerprintAsync(entry.AccountId, entry.Name, cancellationToken);
        var path = PathOf(entry);
        if (File.Exists(path))
        {
            try
            {
                var (graph, saved) = HnswFile.Load(path, options);
                if (saved == fingerprint && graph.Dimension == dimension)
                {
                    entry.Graph = graph;
                    entry.Loaded = true;
                    logger.LogInformation(
                        "Loaded the index of collection {Collection} of account {AccountId} from {Path}: {Points} points",
                        entry.Name, entry.AccountId, path, graph.Count);
                    return;
                }

                graph.Dispose();
                logger.LogWarning(
                    "The index file {Path} is stale (saved against {Saved}, the database has {Current}); rebuilding it",
                    path, saved, fingerprint);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                logger.LogWarning(e, "The index file {Path} cannot be used; rebuilding it from the database", path);
            }
        }

        var started = Stopwatch.GetTimestamp();
        var rebuilt = new HnswGraph(dimension.Value, options);
        var batch = new List<VectorPoint>(RebuildBatch);
        await foreach (var point in store.ReadAllAsync(entry.AccountId, entry.Name, cancellationToken))
        {
            batch.Add(point);
            if (batch.Count == RebuildBatch)
            {
                rebuilt.Upsert(batch);
                batch.Clear();
            }
        }

        rebuilt.Upsert(batch);
        entry.Graph = rebuilt;
        entry.Changes++;
        entry.Loaded = true;
        logger.LogInformation(
            "Rebuilt the index of collection {Collection} of account {AccountId} from the database: {Points} points in {ElapsedMs:0} ms",
            entry.Name, entry.AccountId, rebuilt.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Applies a committed database write to the graph. Runs without cancellation: the database
    /// already holds the write, and a graph that missed it would answer wrongly until rebuilt.
    /// </summary>
    private void Apply(HnswCollection entry, Action<HnswGraph> change, int dimension)
    {
        try
        {
            change(entry.Graph ??= new HnswGraph(dimension, options));
            Interlocked.Increment(ref entry.Changes);
        }
        catch
        {
            // The graph may now disagree with the database: drop it so the next use rebuilds it.
            entry.Graph?.Dispose();
            entry.Graph = null;
            entry.Loaded = false;
            throw;
        }
    }

    private string PathOf(HnswCollection entry) =>
        Path.Combine(Directory, entry.AccountId.ToString("N"), CollectionFileName(entry.Name) + FileExtension);

    /// <summary>Collection names are validated at the API, but a file name must never leave its folder.</summary>
    private static string CollectionFileName(string collection) =>
        collection.Length > 0 && collection[0] != '.' && collection.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')
            ? collection
            : throw new ArgumentException($"'{collection}' cannot name an index file.", nameof(collection));
}
