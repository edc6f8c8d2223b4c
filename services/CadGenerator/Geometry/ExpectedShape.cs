namespace Platform.CadGenerator.Geometry;

/// <summary>What a template promises for a parameter set: the bounding box's size (mm) and how many separate parts it prints as.</summary>
public sealed record ExpectedShape(double SizeX, double SizeY, double SizeZ, int Components = 1);
