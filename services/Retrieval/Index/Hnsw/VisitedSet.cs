namespace Platform.Retrieval.Index.Hnsw;

/// <summary>
/// Which nodes one graph walk has seen: a stamp per node compared with the walk's generation, so
/// starting a walk costs nothing instead of clearing a set. One per thread, reused.
/// </summary>
internal sealed class VisitedSet
{
    [ThreadStatic]
    private static VisitedSet? t_current;

    private int[] _stamps = [];
    private int _generation;

    public static VisitedSet Rent(int nodes)
    {
        var set = t_current ??= new VisitedSet();
        set.Reset(nodes);
        return set;
    }

    /// <summary>True the first time a node is offered in this walk.</summary>
    public bool Add(int node)
    {
        if (_stamps[node] == _generation)
        {
            return false;
        }

        _stamps[node] = _generation;
        return true;
    }

    private void Reset(int nodes)
    {
        if (_stamps.Length < nodes)
        {
            _stamps = new int[Math.Max(nodes, _stamps.Length * 2)];
            _generation = 0;
        }

        if (++_generation == int.MaxValue)
        {
            Array.Clear(_stamps);
            _generation = 1;
        }
    }
}
