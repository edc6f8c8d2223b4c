using System.Numerics.Tensors;

namespace Platform.Retrieval.Index;

/// <summary>
/// Keeps the best <c>limit</c> candidates by cosine similarity while candidates stream past,
/// in O(n log k) time and O(k) memory. Exact search uses it directly; approximate indexes use it
/// to re-rank their candidates.
/// </summary>
public sealed class TopScores<T>(ReadOnlyMemory<float> query, int limit)
{
    // A min-heap of the best so far: its root is the weakest hit, the one to drop first.
    private readonly PriorityQueue<T, float> _heap = new(limit + 1);

    public int Scanned { get; private set; }

    public void Offer(T candidate, ReadOnlySpan<float> vector)
    {
        Scanned++;
        var score = TensorPrimitives.CosineSimilarity(query.Span, vector);
        if (_heap.Count < limit)
        {
            _heap.Enqueue(candidate, score);
        }
        else if (_heap.TryPeek(out _, out var weakest) && score > weakest)
        {
            _heap.EnqueueDequeue(candidate, score);
        }
    }

    /// <summary>The kept candidates, best first.</summary>
    public IReadOnlyList<(T Candidate, float Score)> Best()
    {
        var items = _heap.UnorderedItems.Select(item => (item.Element, item.Priority)).ToList();
        items.Sort((a, b) => b.Priority.CompareTo(a.Priority));
        return items;
    }
}
