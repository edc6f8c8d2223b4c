namespace Platform.Retrieval.Tests;

/// <summary>
/// Deterministic Gaussian-mixture vectors: points scatter around random centres, so nearest
/// neighbours are meaningful (uniform random vectors in high dimensions are all nearly orthogonal).
/// </summary>
public sealed class ClusteredVectors(int dimension, int clusters, int seed, float spread = 0.35f)
{
    private readonly Random _random = new(seed);
    private float[][]? _centres;

    public float[] Next()
    {
        _centres ??= [.. Enumerable.Range(0, clusters).Select(_ => Gaussian(1f))];
        var centre = _centres[_random.Next(clusters)];
        var noise = Gaussian(spread);
        for (var i = 0; i < dimension; i++)
        {
            noise[i] += centre[i];
        }

        return noise;
    }

    private float[] Gaussian(float sigma)
    {
        var vector = new float[dimension];
        for (var i = 0; i < dimension; i++)
        {
            // Box-Muller; 1 - NextDouble() keeps the logarithm's argument above zero.
            var u1 = 1 - _random.NextDouble();
            var u2 = _random.NextDouble();
            vector[i] = sigma * (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return vector;
    }
}
