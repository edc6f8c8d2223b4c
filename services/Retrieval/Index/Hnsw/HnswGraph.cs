using System.Numerics.Tensors;

namespace Platform.Retrieval.Index.Hnsw;

/// <summary>
/// A hierarchical navigable small world graph (Malkov and Yashunin, 2016) over the points of one
/// account's collection. Vectors are normalised at insert, so cosine similarity is a SIMD dot
/// product. Writers (upsert, delete, rebuild) take the write lock, so inserts are serialised and
/// safe; searches share the read lock and run concurrently.
/// Deletes leave a tombstone and repair the deleted node's neighbourhood at once (its neighbours
/// are relinked among themselves with the selection heuristic); when tombstones exceed
/// <see cref="HnswOptions.RebuildDeletedFraction"/> the graph is rebuilt from its live nodes.
/// Payload filters (document, tags) are applied during the walk; a filter that matches few points
/// is answered exactly over those points, found through per-document and per-tag postings.
/// </summary>
public sealed partial class HnswGraph : IDisposable
{
    // Above this many times efSearch a filtered walk costs more than it saves.
    private const int MaxFilterEfFactor = 8;
    private const int MinDeletedBeforeRebuild = 16;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly HnswOptions _options;
    private readonly double _levelFactor;
    private readonly Random _random;
    private List<HnswNode> _nodes = [];
    private Dictionary<string, int> _live = new(StringComparer.Ordinal);
    private Dictionary<string, HashSet<int>> _byDocument = new(StringComparer.Ordinal);
    private Dictionary<string, HashSet<int>> _byTag = new(StringComparer.Ordinal);
    private int _entry = -1;
    private int _deleted;

    public HnswGraph(int dimension, HnswOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.M, 2);
        Dimension = dimension;
        _options = options;
        _levelFactor = 1 / Math.Log(options.M);
        _random = new Random(options.Seed);
    }

    public int Dimension { get; }

    /// <summary>Live (not deleted) points.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _live.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Tombstones still in the graph (walked through, never returned).</summary>
    public int DeletedCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _deleted;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Inserts or replaces points by id; a replaced point with the same vector keeps its node.</summary>
    public void Upsert(IReadOnlyList<VectorPoint> points)
    {
        foreach (var point in points)
        {
            if (point.Vector.Length != Dimension)
            {
                throw new ArgumentException($"Point '{point.Id}' has {point.Vector.Length} components, the graph {Dimension}.", nameof(points));
            }
        }

        _lock.EnterWriteLock();
        try
        {
            foreach (var point in points)
            {
                UpsertLocked(point);
            }

            RebuildIfWorn();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes a point; false when there is no live point with that id.</summary>
    public bool Delete(string id)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_live.Remove(id, out var index))
            {
                return false;
            }

            Bury(index);
            RebuildIfWorn();
            return true;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// The best <paramref name="limit"/> live points matching <paramref name="filter"/>, best first,
    /// scored by cosine similarity. <paramref name="efSearch"/> overrides the configured one.
    /// </summary>
    public SearchResult Search(ReadOnlySpan<float> query, int limit, PointFilter filter, int? efSearch = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var q = Normalised(query);
        _lock.EnterReadLock();
        try
        {
            if (_live.Count == 0)
            {
                return SearchResult.Found([], 0);
            }

            var restricted = Postings(filter);
            if (restricted is not null && restricted.Count <= _options.ExactFilterThreshold)
            {
                return ScoreExactly(q, limit, filter, restricted);
            }

            var ef = Math.Max(efSearch ?? _options.EfSearch, limit);
            if (restricted is not null)
            {
                // The fewer points pass the filter, the more of the graph the walk must see to find
                // ef of them: widen the candidate list by the filter's selectivity, within bounds.
                ef *= Math.Clamp(_live.Count / Math.Max(restricted.Count, 1), 1, MaxFilterEfFactor);
            }

            var scanned = 0;
            var entry = _entry;
            for (var level = _nodes[entry].Level; level > 0; level--)
            {
                entry = Greedy(q, entry, level, ref scanned);
            }

            var found = SearchLayer(q, [entry], ef, 0, node => Accepts(node, filter), ref scanned);
            var wanted = Math.Min(limit, restricted?.Count ?? _live.Count);
            if (found.Count < wanted)
            {
                // Tombstones or a filter cut the walk short of what exists: the exact answer is
                // still cheap next to returning fewer hits than the caller is owed.
                var exact = ScoreExactly(q, limit, filter, restricted ?? AllLive());
                return SearchResult.Found(exact.Points, exact.Scanned + scanned);
            }

            return SearchResult.Found([.. found.Take(limit).Select(hit => ToScored(hit.Node, hit.Similarity))], scanned);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Brute force over every live point: the ground truth recall is measured against.</summary>
    public SearchResult SearchExact(ReadOnlySpan<float> query, int limit, PointFilter filter)
    {
        var q = Normalised(query);
        _lock.EnterReadLock();
        try
        {
            return ScoreExactly(q, limit, filter, AllLive());
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void Dispose() => _lock.Dispose();

    private void UpsertLocked(VectorPoint point)
    {
        var vector = Normalised(point.Vector);
        var tags = point.Tags is null ? [] : point.Tags.Distinct(StringComparer.Ordinal).ToArray();
        if (_live.TryGetValue(point.Id, out var existing))
        {
            var node = _nodes[existing];
            if (node.Vector.AsSpan().SequenceEqual(vector))
            {
                Unpost(existing);
                node.Text = point.Text;
                node.DocumentId = point.DocumentId;
                node.Tags = tags;
                Post(existing);
                return;
            }

            _live.Remove(point.Id);
            Bury(existing);
        }

        var added = new HnswNode(point.Id, vector, RandomLevel())
        {
            Text = point.Text,
            DocumentId = point.DocumentId,
            Tags = tags,
        };
        var index = Insert(added);
        _live[point.Id] = index;
        Post(index);
    }

    private int RandomLevel() => (int)Math.Floor(-Math.Log(1 - _random.NextDouble()) * _levelFactor);

    private int MaxLinks(int level) => level == 0 ? 2 * _options.M : _options.M;

    private int Insert(HnswNode node)
    {
        var index = _nodes.Count;
        _nodes.Add(node);
        if (_entry < 0)
        {
            _entry = index;
            return index;
        }

        var scanned = 0;
        var top = _nodes[_entry].Level;
        var entry = _entry;
        for (var level = top; level > node.Level; level--)
        {
            entry = Greedy(node.Vector, entry, level, ref scanned);
        }

        List<int> entries = [entry];
        for (var level = Math.Min(top, node.Level); level >= 0; level--)
        {
            var found = SearchLayer(node.Vector, entries, _options.EfConstruction, level, null, ref scanned);
            var linkable = found.Where(hit => hit.Node != index && !_nodes[hit.Node].Deleted).ToList();
            var neighbours = SelectNeighbours(linkable, _options.M);
            node.Links[level].AddRange(neighbours);
            foreach (var neighbour in neighbours)
            {
                Link(neighbour, index, level);
            }

            entries = [.. found.Select(hit => hit.Node)];
        }

        if (node.Level > top)
        {
            _entry = index;
        }

        return index;
    }

    /// <summary>Adds a back link, pruning the neighbour's list with the heuristic when it is full.</summary>
    private void Link(int from, int to, int level)
    {
        var links = _nodes[from].Links[level];
        var max = MaxLinks(level);
        if (links.Count < max)
        {
            links.Add(to);
            return;
        }

        Relink(from, level, links.Append(to));
    }

    /// <summary>Replaces a node's links on one layer with the heuristic's pick among candidates.</summary>
    private void Relink(int node, int level, IEnumerable<int> candidates)
    {
        var vector = _nodes[node].Vector;
        var scored = candidates
            .Distinct()
            .Where(c => c != node && !_nodes[c].Deleted)
            .Select(c => (Node: c, Similarity: Similarity(vector, _nodes[c].Vector)))
            .OrderByDescending(c => c.Similarity)
            .ToList();
        var links = _nodes[node].Links[level];
        links.Clear();
        links.AddRange(SelectNeighbours(scored, MaxLinks(level)));
    }

    /// <summary>
    /// The paper's heuristic (algorithm 4): take candidates best first, keeping one only when it is
    /// closer to the base than to every neighbour kept so far, so links spread in all directions
    /// instead of bunching into one cluster.
    /// </summary>
    private List<int> SelectNeighbours(List<(int Node, float Similarity)> candidatesBestFirst, int max)
    {
        var selected = new List<int>(max);
        foreach (var (candidate, similarity) in candidatesBestFirst)
        {
            if (selected.Count >= max)
            {
                break;
            }

            var vector = _nodes[candidate].Vector;
            var diverse = true;
            foreach (var kept in selected)
            {
                if (Similarity(vector, _nodes[kept].Vector) > similarity)
                {
                    diverse = false;
                    break;
                }
            }

            if (diverse)
            {
                selected.Add(candidate);
            }
        }

        return selected;
    }

    private int Greedy(float[] query, int entry, int level, ref int scanned)
    {
        var current = entry;
        var best = Similarity(query, _nodes[current].Vector);
        scanned++;
        for (var improved = true; improved;)
        {
            improved = false;
            foreach (var neighbour in _nodes[current].Links[level])
            {
                var similarity = Similarity(query, _nodes[neighbour].Vector);
                scanned++;
                if (similarity > best)
                {
                    best = similarity;
                    current = neighbour;
                    improved = true;
                }
            }
        }

        return current;
    }

    /// <summary>
    /// Best-first search of one layer (algorithm 2). Every node may be walked through; only those
    /// <paramref name="accept"/> admits (live and matching the filter) enter the results.
    /// Returns up to <paramref name="ef"/> results, best first.
    /// </summary>
    private List<(int Node, float Similarity)> SearchLayer(
        float[] query, List<int> entries, int ef, int level, Func<int, bool>? accept, ref int scanned)
    {
        var visited = VisitedSet.Rent(_nodes.Count);
        var candidates = new PriorityQueue<int, float>();
        var results = new PriorityQueue<int, float>(ef + 1);
        foreach (var entry in entries)
        {
            if (!visited.Add(entry))
            {
                continue;
            }

            var similarity = Similarity(query, _nodes[entry].Vector);
            scanned++;
            candidates.Enqueue(entry, -similarity);
            if (accept is null || accept(entry))
            {
                results.Enqueue(entry, similarity);
                if (results.Count > ef)
                {
                    results.Dequeue();
                }
            }
        }

        var worst = results.TryPeek(out _, out var w) ? w : float.NegativeInfinity;
        while (candidates.TryDequeue(out var current, out var negated))
        {
            if (results.Count >= ef && -negated < worst)
            {
                break;
            }

            foreach (var neighbour in _nodes[current].Links[level])
            {
                if (!visited.Add(neighbour))
                {
                    continue;
                }

                var similarity = Similarity(query, _nodes[neighbour].Vector);
                scanned++;
                if (results.Count < ef || similarity > worst)
                {
                    candidates.Enqueue(neighbour, -similarity);
                    if (accept is null || accept(neighbour))
                    {
                        results.Enqueue(neighbour, similarity);
                        if (results.Count > ef)
                        {
                            results.Dequeue();
                        }

                        worst = results.TryPeek(out _, out w) ? w : float.NegativeInfinity;
                    }
                }
            }
        }

        var best = new List<(int Node, float Similarity)>(results.Count);
        while (results.TryDequeue(out var node, out var similarity))
        {
            best.Add((node, similarity));
        }

        best.Reverse();
        return best;
    }

    private SearchResult ScoreExactly(float[] query, int limit, PointFilter filter, IEnumerable<int> nodes)
    {
        var heap = new PriorityQueue<int, float>(limit + 1);
        var scanned = 0;
        foreach (var node in nodes)
        {
            if (!Accepts(node, filter))
            {
                continue;
            }

            var similarity = Similarity(query, _nodes[node].Vector);
            scanned++;
            if (heap.Count < limit)
            {
                heap.Enqueue(node, similarity);
            }
            else if (heap.TryPeek(out _, out var weakest) && similarity > weakest)
            {
                heap.EnqueueDequeue(node, similarity);
            }
        }

        var hits = new List<ScoredPoint>(heap.Count);
        while (heap.TryDequeue(out var node, out var similarity))
        {
            hits.Add(ToScored(node, similarity));
        }

        hits.Reverse();
        return SearchResult.Found(hits, scanned);
    }

    private bool Accepts(int node, PointFilter filter)
    {
        var n = _nodes[node];
        return !n.Deleted && filter.Matches(n.DocumentId, n.Tags);
    }

    private ScoredPoint ToScored(int node, float similarity)
    {
        var n = _nodes[node];
        return new ScoredPoint(n.Id, similarity, n.Text, n.DocumentId, n.Tags);
    }

    private IEnumerable<int> AllLive() => _live.Values;

    /// <summary>The smallest posting list a filter selects from (null when it has no conditions).</summary>
    private IReadOnlyCollection<int>? Postings(PointFilter filter)
    {
        IReadOnlyCollection<int>? smallest = null;
        if (filter.DocumentId is not null)
        {
            smallest = _byDocument.TryGetValue(filter.DocumentId, out var document) ? document : [];
        }

        foreach (var tag in filter.Tags ?? [])
        {
            IReadOnlyCollection<int> posting = _byTag.TryGetValue(tag, out var tagged) ? tagged : [];
            if (smallest is null || posting.Count < smallest.Count)
            {
                smallest = posting;
            }
        }

        return smallest;
    }

    private void Post(int index)
    {
        var node = _nodes[index];
        if (node.DocumentId is not null)
        {
            Posting(_byDocument, node.DocumentId).Add(index);
        }

        foreach (var tag in node.Tags)
        {
            Posting(_byTag, tag).Add(index);
        }
    }

    private void Unpost(int index)
    {
        var node = _nodes[index];
        if (node.DocumentId is not null)
        {
            Remove(_byDocument, node.DocumentId, index);
        }

        foreach (var tag in node.Tags)
        {
            Remove(_byTag, tag, index);
        }
    }

    private static HashSet<int> Posting(Dictionary<string, HashSet<int>> postings, string key)
    {
        if (!postings.TryGetValue(key, out var set))
        {
            postings[key] = set = [];
        }

        return set;
    }

    private static void Remove(Dictionary<string, HashSet<int>> postings, string key, int index)
    {
        if (postings.TryGetValue(key, out var set) && set.Remove(index) && set.Count == 0)
        {
            postings.Remove(key);
        }
    }

    /// <summary>Tombstones a node and relinks each neighbour that pointed at it among the rest.</summary>
    private void Bury(int index)
    {
        var node = _nodes[index];
        Unpost(index);
        node.Deleted = true;
        _deleted++;
        for (var level = 0; level <= node.Level; level++)
        {
            foreach (var neighbour in node.Links[level])
            {
                var links = _nodes[neighbour].Links[level];
                if (links.Remove(index))
                {
                    Relink(neighbour, level, links.Concat(node.Links[level]).ToList());
                }
            }
        }
    }

    private void RebuildIfWorn()
    {
        if (_deleted < MinDeletedBeforeRebuild || _deleted <= _options.RebuildDeletedFraction * _nodes.Count)
        {
            return;
        }

        var live = _nodes.Where(n => !n.Deleted).ToList();
        _nodes = new List<HnswNode>(live.Count);
        _live = new Dictionary<string, int>(live.Count, StringComparer.Ordinal);
        _byDocument = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        _byTag = new Dictionary<string, HashSet<int>>(StringComparer.Ordinal);
        _entry = -1;
        _deleted = 0;
        foreach (var old in live)
        {
            // Same levels as before: the layer structure stays, only the links are rebuilt.
            var fresh = new HnswNode(old.Id, old.Vector, old.Level) { Text = old.Text, DocumentId = old.DocumentId, Tags = old.Tags };
            var index = Insert(fresh);
            _live[fresh.Id] = index;
            Post(index);
        }
    }

    private static float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.Dot(a, b);

    private static float[] Normalised(ReadOnlySpan<float> vector)
    {
        var copy = vector.ToArray();
        var norm = TensorPrimitives.Norm(copy);
        if (norm > 0)
        {
            TensorPrimitives.Divide(copy, norm, copy);
        }

        return copy;
    }
}
