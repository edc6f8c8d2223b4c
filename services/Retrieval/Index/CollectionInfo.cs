namespace Platform.Retrieval.Index;

public sealed record CollectionInfo(string Name, int Dimension, long Count, DateTimeOffset CreatedAt);
