namespace Platform.CadGenerator.Geometry;

/// <summary>One named check of a mesh; <see cref="Detail"/> says what was found either way.</summary>
public sealed record MeshCheck(string Name, bool Passed, string Detail);
