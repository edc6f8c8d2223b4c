using Platform.Retrieval.Index;

namespace Platform.Retrieval.Text;

/// <summary>
/// Okapi BM25 over the chunk texts of one account's collection (k1 = 1.2, b = 0.75,
/// idf = ln(1 + (N - df + 0.5) / (df + 0.5)), which never goes negative). An inverted index:
/// term -> (document slot -> term frequency), plus each document's length and payload for filters.
/// One writer at a time (the caller's gate); searches take a read lock and run concurrently.
/// </summary>
public sealed class Bm25Index : IDisposable
{
    public const double K1 = 1.2;
    public const double B = 0.75;

    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<string, Dictionary<int, int>> _postings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly List<Entry?> _entries = [];
    private readonly Stack<int> _free = new();
    private long _totalLength;

    private sealed record Entry(string Id, string? Text, string? DocumentId, IReadOnlyList<string> Tags, Dictionary<string, int> Frequencies, int Length);

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _slots.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    public void Upsert(IEnumerable<VectorPoint> points)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var point in points)
            {
                RemoveLocked(point.Id);
                var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
                var length = 0;
                foreach (var term in TextTokenizer.Terms(point.Text))
                {
                    frequencies[term] = frequencies.GetValueOrDefault(term) + 1;
                    length++;
                }

                var slot = _free.Count > 0 ? _free.Pop() : _entries.Count;
                var entry = new Entry(point.Id, point.Text, point.DocumentId, point.Tags ?? [], frequencies, length);
                if (slot == _entries.Count)
                {
                    _entries.Add(entry);
                }
                else
                {
                    _entries[slot] = entry;
                }

                _slots[point.Id] = slot;
                _totalLength += length;
                foreach (var (term, count) in frequencies)
                {
                    if (!_postings.TryGetValue(term, out var posting))
                    {
                        _postings[term] = posting = [];
                    }

                    posting[slot] = count;
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public bool Delete(string id)
    {
        _lock.EnterWriteLock();
        try
        {
            return RemoveLocked(id);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The best <paramref name="limit"/> documents matching the filter with a positive score, best first.</summary>
    public IReadOnlyList<ScoredPoint> Search(string query, int limit, PointFilter filter)
    {
        var terms = TextTokenizer.Terms(query).Distinct(StringComparer.Ordinal).ToList();
        _lock.EnterReadLock();
        try
        {
            var documents = _slots.Count;
            if (documents == 0 || terms.Count == 0)
            {
                return [];
            }

            var averageLength = Math.Max((double)_totalLength / documents, 1e-9);
            var scores = new Dictionary<int, double>();
            foreach (var term in terms)
            {
                if (!_postings.TryGetValue(term, out var posting))
                {
                    continue;
                }

                var idf = Math.Log(1 + ((documents - posting.Count + 0.5) / (posting.Count + 0.5)));
                foreach (var (slot, frequency) in posting)
                {
                    var length = _entries[slot]!.Length;
                    var weight = idf * frequency * (K1 + 1) / (frequency + (K1 * (1 - B + (B * length / averageLength))));
                    scores[slot] = scores.GetValueOrDefault(slot) + weight;
                }
            }

            return [.. scores
                .Where(s => filter.Matches(_entries[s.Key]!.DocumentId, _entries[s.Key]!.Tags))
                .OrderByDescending(s => s.Value)
                .ThenBy(s => _entries[s.Key]!.Id, StringComparer.Ordinal)
                .Take(limit)
                .Select(s =>
                {
                    var e = _entries[s.Key]!;
                    return new ScoredPoint(e.Id, (float)s.Value, e.Text, e.DocumentId, e.Tags);
                })];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public void Dispose() => _lock.Dispose();

    private bool RemoveLocked(string id)
    {
        if (!_slots.Remove(id, out var slot))
        {
            return false;
        }

        var entry = _entries[slot]!;
        foreach (var term in entry.Frequencies.Keys)
        {
            var posting = _postings[term];
            posting.Remove(slot);
            if (posting.Count == 0)
            {
                _postings.Remove(term);
            }
        }

        _totalLength -= entry.Length;
        _entries[slot] = null;
        _free.Push(slot);
        return true;
    }
}
