namespace Platform.CadGenerator.Jobs;

/// <summary>Where a job's files can be fetched, and the STL's size; the .scad is there once designed, the STL once done.</summary>
public sealed record CadJobArtifacts(string? Scad, string? Stl, long? StlBytes);
