using System.Collections.Concurrent;
using Platform.Retrieval.Index;
using Platform.Retrieval.Storage;

namespace Platform.Retrieval.Text;

/// <summary>
/// Keeps a BM25 index of chunk texts beside whichever vector backend is configured: every upsert
/// and delete goes to the backend, then to the collection's <see cref="Bm25Index"/>, under one
/// gate per collection so both see writes in the same order. Text indexes live in memory and are
/// built from the database on first use (the rows hold every text), so they need no files.
/// If the backend fails mid-write, the text index is dropped and rebuilt on next use.
/// </summary>
public sealed class TextIndexingVectorIndex(IVectorIndex backend, ExactVectorIndex store) : IVectorIndex, IDisposable
{
    private const int LoadBatch = 1_000;

    private readonly ConcurrentDictionary<(Guid Account, string Collection), Slot> _slots = new();

    private sealed class Slot
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public Bm25Index? Index { get; set; }
    }

    public IVectorIndex Backend => backend;

    public async Task<UpsertResult> UpsertAsync(Guid accountId, string collection, IReadOnlyList<VectorPoint> points, CancellationToken cancellationToken)
    {
        var slot = _slots.GetOrAdd((accountId, collection), _ => new Slot());
        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            var index = await LoadAsync(slot, accountId, collection, cancellationToken);
            var result = await WriteAsync(slot, () => backend.UpsertAsync(accountId, collection, points, cancellationToken));
            if (!result.DimensionMismatch)
            {
                index.Upsert(points);
            }

            return result;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public async Task<bool> DeleteAsync(Guid accountId, string collection, string pointId, CancellationToken cancellationToken)
    {
        if (!_slots.TryGetValue((accountId, collection), out var slot))
        {
            // Nothing loaded for it: the text index will be built from the rows after the delete.
            return await backend.DeleteAsync(accountId, collection, pointId, cancellationToken);
        }

        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            var index = await LoadAsync(slot, accountId, collection, cancellationToken);
            var deleted = await WriteAsync(slot, () => backend.DeleteAsync(accountId, collection, pointId, cancellationToken));
            if (deleted)
            {
                index.Delete(pointId);
            }

            return deleted;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public async Task<IReadOnlyList<string>> DeleteDocumentAsync(
        Guid accountId, string collection, string documentId, CancellationToken cancellationToken)
    {
        if (!_slots.TryGetValue((accountId, collection), out var slot))
        {
            return await backend.DeleteDocumentAsync(accountId, collection, documentId, cancellationToken);
        }

        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            var index = await LoadAsync(slot, accountId, collection, cancellationToken);
            var deleted = await WriteAsync(slot, () => backend.DeleteDocumentAsync(accountId, collection, documentId, cancellationToken));
            foreach (var id in deleted)
            {
                index.Delete(id);
            }

            return deleted;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    public Task<SearchResult> SearchAsync(Guid accountId, string collection, VectorQuery query, CancellationToken cancellationToken) =>
        backend.SearchAsync(accountId, collection, query, cancellationToken);

    public Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(Guid accountId, CancellationToken cancellationToken) =>
        backend.ListCollectionsAsync(accountId, cancellationToken);

    /// <summary>BM25 hits, best first; null when the account has no such collection.</summary>
    public async Task<IReadOnlyList<ScoredPoint>?> SearchTextAsync(
        Guid accountId, string collection, string query, int limit, PointFilter filter, CancellationToken cancellationToken)
    {
        if (!_slots.ContainsKey((accountId, collection)) && await store.DimensionAsync(accountId, collection, cancellationToken) is null)
        {
            return null;
        }

        var slot = _slots.GetOrAdd((accountId, collection), _ => new Slot());
        Bm25Index index;
        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            index = await LoadAsync(slot, accountId, collection, cancellationToken);
        }
        finally
        {
            slot.Gate.Release();
        }

        return index.Search(query, limit, filter);
    }

    public void Dispose()
    {
        foreach (var slot in _slots.Values)
        {
            slot.Index?.Dispose();
            slot.Gate.Dispose();
        }
    }

    private async Task<Bm25Index> LoadAsync(Slot slot, Guid accountId, string collection, CancellationToken cancellationToken)
    {
        if (slot.Index is { } loaded)
        {
            return loaded;
        }

        var index = new Bm25Index();
        var batch = new List<VectorPoint>(LoadBatch);
        await foreach (var point in store.ReadAllAsync(accountId, collection, cancellationToken))
        {
            batch.Add(point);
            if (batch.Count == LoadBatch)
            {
                index.Upsert(batch);
                batch.Clear();
            }
        }

        index.Upsert(batch);
        return slot.Index = index;
    }

    private static async Task<T> WriteAsync<T>(Slot slot, Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch
        {
            // The backend may have committed part of the write (the database but not Qdrant):
            // rebuild the text index from the rows on next use rather than guess.
            slot.Index?.Dispose();
            slot.Index = null;
            throw;
        }
    }
}
