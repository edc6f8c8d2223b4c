using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Platform.Benchmarks.Framework;
using Platform.Retrieval.Index;
using Platform.Retrieval.Index.Hnsw;

namespace Platform.Benchmarks.Scenarios.Hnsw;

/// <summary>
/// Retrieval's embedded HNSW graph on 100,000 (quick: 10,000) unit vectors of 384 components
/// against exact brute-force search over the same vectors in the same run. The data is a
/// deterministic mixture: each point is a cluster centre plus a combination of a few directions
/// of its own cluster plus small isotropic noise, so, like real embeddings, the data has a low
/// intrinsic dimension and nearest neighbours mean something (uniform random 384-d vectors are
/// all nearly orthogonal, and recall on them measures nothing useful).
/// Baseline: exact search as fast as it is written here: a contiguous row-major matrix, a SIMD
/// dot product per row (TensorPrimitives.Dot), a bounded heap. Both sides run one query at a time
/// on one thread. Headline: recall@10 at the configured efSearch; ratio: HNSW queries/s over
/// exact queries/s. Also reported: build time, managed memory of the graph, an efSearch sweep,
/// and the index file's size and save/load times.
/// </summary>
public sealed class HnswScenario : IScenario
{
    private const int Dimension = 384;
    private const int K = 10;
    private const int Seed = 20261122;

    public string Name => "hnsw";

    public string Description => "embedded HNSW recall@10 and queries/s vs exact brute-force search, 100k 384-d vectors";

    public Task<BenchmarkResult> RunAsync(ScenarioContext context)
    {
        var ct = context.CancellationToken;
        var (count, queryCount) = context.Quick ? (10_000, 200) : (100_000, 300);
        var options = new HnswOptions();
        context.Progress.WriteLine($"generating {count:N0} + {queryCount:N0} clustered {Dimension}-d vectors (seed {Seed})");
        var data = new MixtureData(Dimension, clusters: Math.Max(count / 500, 20), seed: Seed);
        var vectors = Enumerable.Range(0, count).Select(_ => data.Next()).ToArray();
        var queries = Enumerable.Range(0, queryCount).Select(_ => data.Next()).ToArray();

        context.Progress.WriteLine($"exact baseline: {queryCount:N0} queries over a {count:N0} x {Dimension} matrix");
        var exact = new ExactSearch(vectors);
        exact.Search(queries[0], K);
        var truth = new int[queryCount][];
        var exactStarted = Stopwatch.GetTimestamp();
        for (var q = 0; q < queryCount; q++)
        {
            ct.ThrowIfCancellationRequested();
            truth[q] = exact.Search(queries[q], K);
        }

        var exactSeconds = Stopwatch.GetElapsedTime(exactStarted).TotalSeconds;
        var exactQps = queryCount / exactSeconds;

        context.Progress.WriteLine($"building the graph: M={options.M}, efConstruction={options.EfConstruction}, one writer");
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var buildStarted = Stopwatch.GetTimestamp();
        using var graph = new HnswGraph(Dimension, options);
        foreach (var batch in Enumerable.Range(0, count).Chunk(1_000))
        {
            ct.ThrowIfCancellationRequested();
            graph.Upsert([.. batch.Select(i => new VectorPoint(i.ToString(), vectors[i]))]);
            if (batch[^1] % 20_000 == 19_999)
            {
                context.Progress.WriteLine($"  {batch[^1] + 1:N0} points, {Stopwatch.GetElapsedTime(buildStarted).TotalSeconds:0} s");
            }
        }

        var buildSeconds = Stopwatch.GetElapsedTime(buildStarted).TotalSeconds;
        var graphBytes = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;

        var sweep = new JsonObject();
        JsonObject? headline = null;
        foreach (var ef in new[] { 16, 32, 64, options.EfSearch, 192 }.Distinct().Order())
        {
            var measured = MeasureGraph(graph, queries, truth, ef, ct);
            context.Progress.WriteLine($"  efSearch {ef}: recall@10 {measured["recall_at_10"]}, {measured["queries_per_s"]} queries/s");
            sweep[$"ef_{ef}"] = measured;
            if (ef == options.EfSearch)
            {
                headline = measured;
            }
        }

        var file = Path.Combine(Path.GetTempPath(), $"bench-hnsw-{Guid.NewGuid():N}.hnsw");
        double saveSeconds, loadSeconds;
        long fileBytes;
        try
        {
            var saveStarted = Stopwatch.GetTimestamp();
            HnswFile.Save(file, graph, new CollectionFingerprint(count, 0, 0));
            saveSeconds = Stopwatch.GetElapsedTime(saveStarted).TotalSeconds;
            fileBytes = new FileInfo(file).Length;
            var loadStarted = Stopwatch.GetTimestamp();
            HnswFile.Load(file, options).Graph.Dispose();
            loadSeconds = Stopwatch.GetElapsedTime(loadStarted).TotalSeconds;
        }
        finally
        {
            File.Delete(file);
        }

        var recall = (double)headline!["recall_at_10"]!;
        var hnswQps = (double)headline["queries_per_s"]!;
        var results = new JsonObject
        {
            ["what"] = $"HNSW graph (M={options.M}, efConstruction={options.EfConstruction}, efSearch={options.EfSearch}), one thread",
            ["points"] = count,
            ["dimension"] = Dimension,
            ["queries"] = queryCount,
            ["recall_at_10"] = recall,
            ["queries_per_s"] = hnswQps,
            ["mean_ms"] = Math.Round(1000 / hnswQps, 3),
            ["build_s"] = Math.Round(buildSeconds, 2),
            ["build_points_per_s"] = Math.Round(count / buildSeconds, 0),
            ["memory_mb"] = Math.Round(graphBytes / 1048576.0, 1),
            ["raw_vectors_mb"] = Math.Round((double)count * Dimension * sizeof(float) / 1048576.0, 1),
            ["file_mb"] = Math.Round(fileBytes / 1048576.0, 1),
            ["file_save_s"] = Math.Round(saveSeconds, 2),
            ["file_load_s"] = Math.Round(loadSeconds, 2),
            ["ef_sweep"] = sweep,
        };
        var baseline = new JsonObject
        {
            ["what"] = "exact brute force: contiguous matrix, TensorPrimitives.Dot per row, bounded heap, one thread",
            ["points"] = count,
            ["dimension"] = Dimension,
            ["queries"] = queryCount,
            ["recall_at_10"] = 1.0,
            ["queries_per_s"] = Math.Round(exactQps, 1),
            ["mean_ms"] = Math.Round(1000 / exactQps, 3),
            ["build_s"] = 0.0,
            ["memory_mb"] = Math.Round((double)count * Dimension * sizeof(float) / 1048576.0, 1),
        };
        return Task.FromResult(new BenchmarkResult(
            Name,
            new Headline($"recall@10 at efSearch {options.EfSearch}, {count:N0} x {Dimension}-d", recall, "recall"),
            Math.Round(hnswQps / exactQps, 2),
            results,
            baseline,
            MachineInfo.Current()));
    }

    private static JsonObject MeasureGraph(HnswGraph graph, float[][] queries, int[][] truth, int ef, CancellationToken ct)
    {
        graph.Search(queries[0], K, PointFilter.None, ef);
        var found = 0;
        long scanned = 0;
        var started = Stopwatch.GetTimestamp();
        for (var q = 0; q < queries.Length; q++)
        {
            ct.ThrowIfCancellationRequested();
            var result = graph.Search(queries[q], K, PointFilter.None, ef);
            scanned += result.Scanned;
            var expected = truth[q];
            found += result.Points.Count(p => Array.IndexOf(expected, int.Parse(p.Id)) >= 0);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return new JsonObject
        {
            ["recall_at_10"] = Math.Round((double)found / (queries.Length * K), 4),
            ["queries_per_s"] = Math.Round(queries.Length / seconds, 1),
            ["points_scored_per_query"] = Math.Round((double)scanned / queries.Length, 0),
        };
    }

    /// <summary>Brute-force top-k by dot product over unit vectors in one contiguous array.</summary>
    private sealed class ExactSearch
    {
        private readonly float[] _matrix;
        private readonly int _rows;

        public ExactSearch(float[][] vectors)
        {
            _rows = vectors.Length;
            _matrix = new float[_rows * Dimension];
            for (var i = 0; i < _rows; i++)
            {
                vectors[i].CopyTo(_matrix, i * Dimension);
            }
        }

        public int[] Search(float[] query, int k)
        {
            var heap = new PriorityQueue<int, float>(k + 1);
            var matrix = _matrix.AsSpan();
            for (var i = 0; i < _rows; i++)
            {
                var score = TensorPrimitives.Dot(query, matrix.Slice(i * Dimension, Dimension));
                if (heap.Count < k)
                {
                    heap.Enqueue(i, score);
                }
                else if (heap.TryPeek(out _, out var weakest) && score > weakest)
                {
                    heap.EnqueueDequeue(i, score);
                }
            }

            return [.. heap.UnorderedItems.Select(item => item.Element)];
        }
    }

    /// <summary>
    /// Points = centre + 8 cluster-specific directions with Gaussian weights + small noise, then
    /// normalised (cosine on unit vectors is the dot product both sides compute).
    /// </summary>
    private sealed class MixtureData
    {
        private const int DirectionsPerCluster = 8;
        private readonly Random _random;
        private readonly int _dimension;
        private readonly float[][] _centres;
        private readonly float[][][] _directions;

        public MixtureData(int dimension, int clusters, int seed)
        {
            _random = new Random(seed);
            _dimension = dimension;
            _centres = [.. Enumerable.Range(0, clusters).Select(_ => Gaussian(1f))];
            _directions = [.. Enumerable.Range(0, clusters).Select(_ => Enumerable.Range(0, DirectionsPerCluster).Select(_ => Gaussian(0.6f)).ToArray())];
        }

        public float[] Next()
        {
            var cluster = _random.Next(_centres.Length);
            var point = Gaussian(0.05f);
            TensorPrimitives.Add(point, _centres[cluster], point);
            foreach (var direction in _directions[cluster])
            {
                TensorPrimitives.MultiplyAdd(direction, (float)NextGaussian(), point, point);
            }

            TensorPrimitives.Divide(point, TensorPrimitives.Norm(point), point);
            return point;
        }

        private float[] Gaussian(float sigma)
        {
            var vector = new float[_dimension];
            for (var i = 0; i < _dimension; i++)
            {
                vector[i] = sigma * (float)NextGaussian();
            }

            return vector;
        }

        private double NextGaussian() =>
            Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
    }
}
