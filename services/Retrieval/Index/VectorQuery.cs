namespace Platform.Retrieval.Index;

public sealed record VectorQuery(float[] Vector, int Limit, PointFilter Filter);
