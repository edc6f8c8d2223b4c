namespace Platform.Retrieval.Index;

/// <summary>
/// What an upsert did. When <see cref="DimensionMismatch"/> is set nothing was written:
/// <see cref="Dimension"/> is then the collection's fixed dimension.
/// </summary>
public sealed record UpsertResult(int Dimension, int Upserted, bool DimensionMismatch)
{
    public static UpsertResult Written(int dimension, int upserted) => new(dimension, upserted, false);

    public static UpsertResult Mismatch(int collectionDimension) => new(collectionDimension, 0, true);
}
