namespace Platform.Retrieval.Index;

/// <summary>Bounds every backend accepts, so a request valid for one index is valid for all.</summary>
public static class VectorLimits
{
    public const int MaxDimension = 4096;
    public const int MaxPointsPerUpsert = 1000;
    public const int MaxSearchLimit = 100;
    public const int MaxIdLength = 128;
    public const int MaxCollectionNameLength = 64;
    public const int MaxTextLength = 32_768;
    public const int MaxTags = 32;
    public const int MaxTagLength = 64;
}
